using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AttentionLego.Gen.IO;
using CliWrap;

namespace AttentionLego.Cosim.Tools;

/// <summary>
/// Simulator builds keyed by a content hash, checked rather than trusted. A build is made in a private staging folder
/// (held with a <see cref="FileLock"/> and registered in <see cref="Scratch"/>) and renamed into place only when it
/// succeeded, with a <c>build.ok</c> stamp that records the SHA-256 of the simulator it made. Builds of one entry are
/// serialised across processes by a lock file per entry (<c>.lock-&lt;entry&gt;</c>), so concurrent runs build it once.
/// On use an entry is verified against its stamp (the full hash once per process, then size and modification time);
/// a damaged one (truncated, byte-flipped, missing file, no stamp) is removed and rebuilt once, and
/// <see cref="Notes"/> gets a line that says so. Staging folders left by a killed build are removed at the next build.
/// </summary>
public sealed partial class BuildCache(string root, Action<string>? notes = null)
{
    public const string EnvironmentVariable = "ATTNLEGO_CACHE";

    /// <summary>The stamp of a complete entry: its key, a build id and the checksum of each file a run uses.</summary>
    public const string StampName = "build.ok";

    /// <summary>Every folder being built starts with this; one whose owner is gone is a leftover.</summary>
    public const string StagingPrefix = ".staging-";

    private const string StampHeader = "attnlego build cache entry 1";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Receives the lines a user should see: an entry found damaged and rebuilt, a wait for another process, a leftover removed.</summary>
    public Action<string>? Notes { get; } = notes;

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

    /// <summary>The entry is there with its stamp and the simulator (not verified: see <see cref="Verify"/>).</summary>
    public bool IsBuilt(string key, string topModule) =>
        File.Exists(Path.Combine(EntryPath(key, topModule), StampName)) && File.Exists(ExecutablePath(key, topModule));

    /// <summary>One gate per cache entry in this process: parallel requests for the same build wait for one build.</summary>
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>
    /// The entry's build: taken from the cache when it is there and verifies, else made by <paramref name="build"/> in a
    /// staging folder, once however many callers (threads or processes) ask at the same time: the first takes the entry's
    /// lock and builds, the others wait for it (with a line naming the process they wait for) and find it built. A damaged
    /// entry is removed and built again, with a line "cache entry ... was damaged (...); rebuilt".
    /// </summary>
    public async Task<BuildResult> GetOrBuildAsync(string key, string topModule, Func<string, Task> build, CancellationToken ct)
    {
        var entry = EntryPath(key, topModule);
        var executable = ExecutablePath(key, topModule);
        if (Verify(entry, full: false) is { Damage: null, BuildId: { } ready })
        {
            return new BuildResult(executable, key, Cached: true, TimeSpan.Zero) { BuildId = ready };
        }

        var gate = Gates.GetOrAdd(entry, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            using var held = await LockEntryAsync(Path.GetFileName(entry), ct);
            var state = Verify(entry, full: false);
            if (state is { Damage: null, BuildId: { } built })
            {
                return new BuildResult(executable, key, Cached: true, TimeSpan.Zero) { BuildId = built };
            }

            if (state.Exists)
            {
                RemoveFolder(entry);
            }

            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            var id = await BuildIntoAsync(key, topModule, build, ct);
            if (state.Exists)
            {
                Notes?.Invoke($"cache entry {entry} was damaged ({state.Damage}); rebuilt");
            }

            return new BuildResult(executable, key, Cached: false, stopwatch.Elapsed) { BuildId = id };
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// After <paramref name="build"/>'s simulator crashed: is the entry still that very build, intact? Hashes every
    /// recorded file in full (whatever was verified before) and returns null when it is; otherwise why not (damaged, or
    /// built again since by another run), in which case asking for the build again (<see cref="GetOrBuildAsync"/>)
    /// rebuilds or finds the new one, and the simulation is worth running once more.
    /// </summary>
    public string? Suspect(BuildResult build)
    {
        var entry = Path.GetDirectoryName(Path.GetDirectoryName(build.Executable))!;
        var state = Verify(entry, full: true);
        return state switch
        {
            { Exists: false } => "it was removed",
            { Damage: { } damage } => damage,
            _ when state.BuildId != build.BuildId => "it was built again by another run",
            _ => null,
        };
    }

    /// <summary>What <see cref="Verify"/> found: whether the entry folder exists, why it cannot be used (null: it can), and its build id.</summary>
    public sealed record EntryState(bool Exists, string? Damage, string? BuildId);

    /// <summary>
    /// Checks the entry folder <paramref name="entry"/> against its stamp: every recorded file there, of the recorded size
    /// and SHA-256. The hash is computed in full when <paramref name="full"/>, or the first time this process sees the file;
    /// after that a file with the size and modification time it had when it hashed right is taken as intact (hashing a
    /// paper-size simulator on each of a regression's thousand cases would cost more than the cases; docs/CLI.md, "Build cache").
    /// </summary>
    public static EntryState Verify(string entry, bool full)
    {
        if (!Directory.Exists(entry))
        {
            return new EntryState(false, "it does not exist", null);
        }

        var stampPath = Path.Combine(entry, StampName);
        if (!File.Exists(stampPath))
        {
            return new EntryState(true, $"{StampName} is missing", null);
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(stampPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new EntryState(true, $"{StampName} cannot be read: {ex.Message}", null);
        }

        if (lines is not [StampHeader, ..])
        {
            return new EntryState(true, $"{StampName} records no checksum (an older attnlego made it, or it was overwritten)", null);
        }

        var id = lines.FirstOrDefault(l => l.StartsWith("build ", StringComparison.Ordinal))?[6..];
        var files = lines.Where(l => l.StartsWith("file ", StringComparison.Ordinal)).ToList();
        if (id is null || files.Count == 0)
        {
            return new EntryState(true, $"{StampName} is incomplete", null);
        }

        foreach (var line in files)
        {
            // "file <sha256> <size> <path relative to the entry>"
            var parts = line.Split(' ', 4);
            if (parts.Length != 4 || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                return new EntryState(true, $"{StampName} line \"{line}\" is not \"file <sha256> <size> <path>\"", null);
            }

            if (CheckFile(Path.Combine(entry, parts[3]), parts[3], parts[1], size, full) is { } damage)
            {
                return new EntryState(true, damage, id);
            }
        }

        return new EntryState(true, null, id);
    }

    /// <summary>Files that hashed right in this process: path to (size, modification time, SHA-256).</summary>
    private static readonly ConcurrentDictionary<string, (long Size, DateTime Written, string Sha)> Hashed = new(StringComparer.Ordinal);

    private static string? CheckFile(string path, string name, string sha, long size, bool full)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return $"{name} is missing";
        }

        if (info.Length != size)
        {
            return $"{name} is {info.Length} bytes, {size} when it was built";
        }

        if (!full && Hashed.TryGetValue(path, out var seen) && seen.Size == info.Length && seen.Written == info.LastWriteTimeUtc && seen.Sha == sha)
        {
            return null;
        }

        Hashed.TryRemove(path, out _);
        string actual;
        try
        {
            actual = Sha256File(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"{name} cannot be read: {ex.Message}";
        }

        if (actual != sha)
        {
            return $"{name} does not match the SHA-256 recorded when it was built";
        }

        Hashed[path] = (info.Length, info.LastWriteTimeUtc, sha);
        return null;
    }

    /// <summary>The lowercase hex SHA-256 of a file's bytes, read as a stream.</summary>
    public static string Sha256File(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The stamp text for <paramref name="files"/> (paths relative to <paramref name="folder"/>), which must exist.</summary>
    public static string StampText(string key, string buildId, string folder, IEnumerable<string> files)
    {
        var text = new StringBuilder().Append(StampHeader).Append('\n').Append("key ").Append(key).Append('\n').Append("build ").Append(buildId).Append('\n');
        foreach (var file in files)
        {
            var path = Path.Combine(folder, file);
            text.Append("file ").Append(Sha256File(path)).Append(' ').Append(new FileInfo(path).Length.ToString(CultureInfo.InvariantCulture))
                .Append(' ').Append(file).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Builds into a fresh staging folder and renames it into place as the entry. The caller holds the entry's lock and
    /// has removed any damaged entry. When the cache's path has a character make cannot handle (a space: Verilator's
    /// makefile refuses to build there), the build runs in a staging folder below the temporary folder and is moved into
    /// the cache's staging folder afterwards.
    /// </summary>
    private async Task<string> BuildIntoAsync(string key, string topModule, Func<string, Task> build, CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(Root);
            RemoveLeftovers(Root);
            var label = $"{topModule}-{key}";
            var staging = NewStaging(Root, label);
            using var stagingScratch = Scratch.Register(staging.Path);
            using var stagingLock = staging;
            try
            {
                var workdir = staging.Path;
                FileLock? elsewhere = null;
                IDisposable? elsewhereScratch = null;
                try
                {
                    if (!MakeSafe(staging.Path))
                    {
                        var parent = SpaceFreeTemporaryFolder(staging.Path);
                        Directory.CreateDirectory(parent);
                        RemoveLeftovers(parent);
                        elsewhere = NewStaging(parent, label);
                        elsewhereScratch = Scratch.Register(elsewhere.Path);
                        workdir = elsewhere.Path;
                    }

                    await build(workdir);
                    if (elsewhere is not null)
                    {
                        MoveTree(workdir, staging.Path);
                    }
                }
                finally
                {
                    if (elsewhere is not null)
                    {
                        RemoveFolder(elsewhere.Path);
                        elsewhere.Dispose();
                        elsewhereScratch?.Dispose();
                    }
                }

                var id = Guid.NewGuid().ToString("N");
                var executable = Path.GetRelativePath(EntryPath(key, topModule), ExecutablePath(key, topModule));
                await File.WriteAllTextAsync(Path.Combine(staging.Path, StampName), StampText(key, id, staging.Path, [executable]), ct);
                Directory.Move(staging.Path, EntryPath(key, topModule));
                return id;
            }
            finally
            {
                RemoveFolder(staging.Path);
            }
        }
        catch (IOException ex) when (IsNoSpace(ex))
        {
            throw NoSpaceFor(FolderOf(ex.Message), $"building {topModule}");
        }
    }

    /// <summary>
    /// A new staging folder below <paramref name="parent"/>, locked by this process for as long as it builds there (the
    /// lock is what tells a live build's folder from a leftover). A folder another run swept away between its creation and
    /// the lock is given up for a new one.
    /// </summary>
    public FileLock NewStaging(string parent, string label)
    {
        for (var attempt = 0; ; attempt++)
        {
            var path = Path.Combine(parent, $"{StagingPrefix}{label}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(path);
            try
            {
                if (FileLock.TryAcquire(path, folder: true) is { } held)
                {
                    return held;
                }
            }
            catch (IOException) when (attempt < 4 && !Directory.Exists(path))
            {
                // Removed as a leftover by another run in the instant before the lock: take another name.
            }
        }
    }

    /// <summary>
    /// Removes the staging folders below <paramref name="parent"/> whose build is gone: any that can be locked (a running
    /// build holds its own), with a line for each. Also the runtime staging folders an attnlego before issue 16 left.
    /// </summary>
    public void RemoveLeftovers(string parent)
    {
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateDirectories(parent, StagingPrefix + "*")
                .Concat(Directory.EnumerateDirectories(parent, "verilated-runtime-*.staging-*")).ToList();
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }

        foreach (var folder in candidates)
        {
            FileLock? held;
            try
            {
                held = FileLock.TryAcquire(folder, folder: true);
            }
            catch (IOException)
            {
                continue; // removed meanwhile (by its own build, or another sweep)
            }

            if (held is null)
            {
                continue; // a build is running there
            }

            using (held)
            {
                if (RemoveFolder(folder))
                {
                    Notes?.Invoke($"removed {folder}, left behind by a build that was stopped");
                }
            }
        }
    }

    /// <summary>Removes a folder and everything in it, best effort; true when it was there and is gone.</summary>
    public static bool RemoveFolder(string folder)
    {
        try
        {
            if (!Directory.Exists(folder))
            {
                return false;
            }

            // A rename first, so that the entry's name is free at once and nobody sees it half deleted.
            var doomed = Path.Combine(Path.GetDirectoryName(folder)!, $"{StagingPrefix}removed-{Guid.NewGuid():N}");
            try
            {
                Directory.Move(folder, doomed);
            }
            catch (IOException)
            {
                doomed = folder;
            }

            // Held while it goes, so that another run's sweep does not take it for a leftover and delete it too.
            using var held = TryLock(doomed);
            Directory.Delete(doomed, recursive: true);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return !Directory.Exists(folder);
        }
    }

    private static FileLock? TryLock(string folder)
    {
        try
        {
            return FileLock.TryAcquire(folder, folder: true);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// The entry's build lock, <c>&lt;cache&gt;/.lock-&lt;entry&gt;</c>, waited for with a line naming the holder. The file
    /// is deleted while still held when the build is done (FileLock's inode check makes that safe for a waiter), so a
    /// cache at rest holds no lock files.
    /// </summary>
    private async Task<IDisposable> LockEntryAsync(string entryName, CancellationToken ct)
    {
        Directory.CreateDirectory(Root);
        var path = Path.Combine(Root, ".lock-" + entryName);
        var held = await FileLock.AcquireAsync(path, ct,
            pid => Notes?.Invoke($"waiting for {FileLock.DescribeHolder(pid)}, which is building {Path.Combine(Root, entryName)}"));
        return new EntryLock(held);
    }

    private sealed class EntryLock(FileLock held) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                File.Delete(held.Path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the next build, which takes and removes it.
            }

            held.Dispose();
        }
    }

    /// <summary>Make (Verilator's makefile) cannot build in a folder whose path has a space or one of its special characters.</summary>
    public static bool MakeSafe(string path) => !path.Any(c => char.IsWhiteSpace(c) || c is ':' or '#' or '$' or '%' or '=' or '\\' or '"' or '\'' or ';' or '*' or '?');

    /// <summary>Where builds go when the cache's own path is not <see cref="MakeSafe"/>: <c>$TMPDIR/attnlego-builds</c>, else <c>/tmp/attnlego-builds</c>.</summary>
    private static string SpaceFreeTemporaryFolder(string staging)
    {
        foreach (var candidate in new[] { Path.GetTempPath(), "/tmp" })
        {
            var folder = Path.Combine(Path.GetFullPath(candidate), "attnlego-builds");
            if (MakeSafe(folder))
            {
                return folder;
            }
        }

        throw new OutputException($"the build folder {staging} has a character make cannot handle (a space), and so has the temporary folder {Path.GetTempPath()}. " +
                                  "Fix: choose a --cache-dir without spaces, or set TMPDIR to a folder without them.");
    }

    /// <summary>Moves a folder's contents into another folder (which exists), across file systems if need be.</summary>
    private static void MoveTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Move(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            var target = Path.Combine(to, Path.GetFileName(dir));
            Directory.CreateDirectory(target);
            MoveTree(dir, target);
        }
    }

    /// <summary>ENOSPC (.NET on Linux puts the errno in HResult) or its message.</summary>
    public static bool IsNoSpace(IOException ex) => ex.HResult == 28 || ex.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase);

    /// <summary>The error for a full disk: it names the folder and is never blamed on the RTL (exit 4).</summary>
    public static OutputException NoSpace(string folder, string doing, bool temporary = false) => new(
        $"no space left on device in {folder} ({doing}). Fix: " +
        (temporary ? "free space there, or set TMPDIR to a folder on a disk with space." : "free space there, or choose another --cache-dir or --work-dir."));

    /// <summary>
    /// The full-disk error of a build that wrote to <paramref name="path"/> (null: unknown): the cache when the path is in
    /// it (a staging folder goes away with the failed build, so the cache is named), else the path's own folder, which
    /// outside the cache is a temporary one (the space-free build folder, a compiler's temporary files).
    /// </summary>
    private OutputException NoSpaceFor(string? path, string doing)
    {
        if (path is null || path == Root || path.StartsWith(Root + "/", StringComparison.Ordinal))
        {
            return NoSpace(Root, doing);
        }

        var builds = Path.Combine(Path.GetFullPath(Path.GetTempPath()), "attnlego-builds");
        return NoSpace(path.StartsWith(builds + "/", StringComparison.Ordinal) ? builds : path, doing, temporary: true);
    }

    /// <summary>
    /// The folder of the first absolute path in <paramref name="text"/> (a tool's message about a file) that is not a
    /// program's own (<c>/usr/bin/ld: final link failed</c> names the linker, not where it wrote), or null.
    /// </summary>
    public static string? FolderOf(string text) => AbsolutePath().Matches(text).Select(m => m.Value.TrimEnd('/'))
        .Where(p => !new[] { "/usr/", "/bin/", "/sbin/", "/lib", "/opt/", "/etc/" }.Any(p.StartsWith))
        .Select(Path.GetDirectoryName).FirstOrDefault();

    /// <summary>
    /// What a failed build's log says about the machine rather than the RTL: a full disk (an <see cref="OutputException"/>
    /// naming the folder) or a missing compiler or make (a <see cref="ToolException"/>, missing). Null when it says neither.
    /// </summary>
    public Exception? EnvironmentFailure(string log, string staging, string what)
    {
        var full = log.Split('\n').FirstOrDefault(l => l.Contains("No space left on device", StringComparison.OrdinalIgnoreCase));
        if (full is not null)
        {
            // A file of the build (relative, or in its staging folder) stands for the folder the build was in.
            var named = FolderOf(full);
            return NoSpaceFor(named is null || named.StartsWith(staging, StringComparison.Ordinal) ? Path.GetDirectoryName(staging) : named,
                $"building {what}: {full.Trim()}");
        }

        var missing = MissingProgram().Match(log);
        if (missing.Success)
        {
            var program = missing.Groups["a"].Success ? missing.Groups["a"].Value : missing.Groups["b"].Value;
            return BuildToolMissing(program, $"could not be run by the build of {what} (\"{missing.Value.Trim()}\")");
        }

        return null;
    }

    /// <summary>The error for a missing build tool (g++, make): exit 5, with the install command.</summary>
    public static ToolException BuildToolMissing(string program, string how) => new(ToolFailure.Missing,
        $"{program} {how}; Verilator compiles the simulator it generates with make and g++. " +
        "Fix: apt-get install g++ make (scripts/setup.sh installs them), or put them on PATH.");

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

    [GeneratedRegex(@"(/[^\s:'""`,;()]+)")]
    private static partial Regex AbsolutePath();

    // "make: g++: No such file or directory", "make: g++: Command not found", "sh: 1: make: not found".
    [GeneratedRegex(@"make: (?<a>[\w+.-]+): (No such file or directory|Command not found)|sh: \d+: (?<b>[\w+.-]+): not found")]
    private static partial Regex MissingProgram();
}

public sealed record BuildResult(string Executable, string Key, bool Cached, TimeSpan Duration)
{
    /// <summary>The id its stamp records: a simulator that crashed on an entry built again since is worth running again.</summary>
    public string? BuildId { get; init; }
}
