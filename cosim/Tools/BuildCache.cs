using System.Text;
using AttentionLego.Gen.Rendering;
using CliWrap;

namespace AttentionLego.Cosim.Tools;

/// <summary>
/// Simulator builds keyed by a content hash. A build is made in a private staging folder and renamed into place
/// only when it succeeded, so concurrent runs never see a half-built entry and a failed build leaves nothing.
/// </summary>
public sealed class BuildCache(string root)
{
    public const string EnvironmentVariable = "ATTNLEGO_CACHE";
    private const string Stamp = "build.ok";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>$ATTNLEGO_CACHE, else $XDG_CACHE_HOME/attnlego, else ~/.cache/attnlego.</summary>
    public static string DefaultRoot()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } explicitRoot)
        {
            return explicitRoot;
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = xdg is { Length: > 0 } ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "attnlego");
    }

    public string Key(string toolVersion, string flags, string topModule, IReadOnlyList<RenderedFile> sources)
    {
        var text = new StringBuilder()
            .Append("generator ").Append(GeneratorInfo.Version).Append('\n')
            .Append("tool ").Append(toolVersion).Append('\n')
            .Append("flags ").Append(flags).Append('\n')
            .Append("top ").Append(topModule).Append('\n');
        foreach (var file in sources.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            text.Append("file ").Append(file.Name).Append(' ').Append(GeneratorInfo.Sha256(file.Content)).Append('\n');
        }

        return GeneratorInfo.Sha256(text.ToString())[..24];
    }

    public string EntryPath(string key, string topModule) => Path.Combine(Root, $"{topModule}-{key}");

    public string ExecutablePath(string key, string topModule) => Path.Combine(EntryPath(key, topModule), "obj_dir", "V" + topModule);

    public bool IsBuilt(string key, string topModule) =>
        File.Exists(Path.Combine(EntryPath(key, topModule), Stamp)) && File.Exists(ExecutablePath(key, topModule));

    /// <summary>One gate per cache entry in this process: parallel requests for the same build wait for one build.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>
    /// The entry's build: taken from the cache when it is there, else made by <paramref name="build"/> in a staging folder
    /// (<see cref="BuildIntoAsync"/>), once per process however many callers ask at the same time. Parallel cases of a
    /// regression often need the same build: the first builds it, the others then find it cached. (Separate processes may
    /// still both build; the staging folder keeps that safe, only slower.)
    /// </summary>
    public async Task<BuildResult> GetOrBuildAsync(string key, string topModule, Func<string, Task> build, CancellationToken ct)
    {
        var executable = ExecutablePath(key, topModule);
        if (IsBuilt(key, topModule))
        {
            return new BuildResult(executable, key, Cached: true, TimeSpan.Zero);
        }

        var gate = Gates.GetOrAdd(EntryPath(key, topModule), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            if (IsBuilt(key, topModule))
            {
                return new BuildResult(executable, key, Cached: true, TimeSpan.Zero);
            }

            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            await BuildIntoAsync(key, topModule, build, ct);
            return new BuildResult(executable, key, Cached: false, stopwatch.Elapsed);
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task BuildIntoAsync(string key, string topModule, Func<string, Task> build, CancellationToken ct)
    {
        Directory.CreateDirectory(Root);
        var staging = Path.Combine(Root, $".staging-{topModule}-{key}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            await build(staging);
            await File.WriteAllTextAsync(Path.Combine(staging, Stamp), key + "\n", ct);
            var entry = EntryPath(key, topModule);
            if (Directory.Exists(entry) && !IsBuilt(key, topModule))
            {
                Directory.Delete(entry, recursive: true);
            }

            if (!Directory.Exists(entry))
            {
                Directory.Move(staging, entry);
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>
    /// Runs a build tool in <paramref name="staging"/> with its standard output and error merged into one log, which is
    /// also kept there as build.log; a failing exit code is the caller's to explain.
    /// </summary>
    public static async Task<(int ExitCode, string Log)> RunLoggedAsync(string executable, IEnumerable<string> arguments, string staging,
        CancellationToken ct)
    {
        var log = new StringBuilder();
        var result = await ToolProcess.ExecuteAsync(Cli.Wrap(executable)
            .WithArguments(arguments)
            .WithWorkingDirectory(staging)
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(log))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(log)),
            ToolStep.Build, $"the simulator build ({Path.GetFileName(executable)} in {staging})",
            "co-simulate a smaller configuration (a build this long is beyond this machine), or check the C++ compiler and make", ct);
        var text = log.ToString();
        await File.WriteAllTextAsync(Path.Combine(staging, "build.log"), text, ct);
        return (result.ExitCode, text);
    }
}
