using System.Diagnostics;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Packaging;

/// <summary>Shared steps of the packaging tests: a preset's bundle written to a folder, and running a tool there.</summary>
internal static class Packaged
{
    /// <summary>The presets the packaging is checked on: the smallest head, the paper's head, an array with W_O.</summary>
    public static readonly string[] Presets = ["tiny", "paper", "tiny-mha4"];

    public static AttentionConfig Config(string preset) => Gen.Config.Presets.Find(preset)!.Config;

    public static RtlBundle Bundle(string preset) => RtlGenerator.Render(Config(preset));

    public static string Text(RtlBundle bundle, string name) => bundle.AllFiles.Single(f => f.Name == name).Content;

    /// <summary>Writes every file of the bundle into <paramref name="dir"/>.</summary>
    public static void WriteTo(RtlBundle bundle, string dir)
    {
        Directory.CreateDirectory(dir);
        foreach (var file in bundle.AllFiles)
        {
            File.WriteAllText(Path.Combine(dir, file.Name), file.Content);
        }
    }

    /// <summary>The C compiler; missing, the test fails under CI and is ignored elsewhere (Verilator needs one anyway).</summary>
    public static string RequireCc()
    {
        Tier.RequireTools("a C compiler");
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "cc")).FirstOrDefault(File.Exists);
        if (path is not null)
        {
            return path;
        }

        if (TestEnvironment.InCi)
        {
            Assert.Fail("a C compiler (cc) is required under CI to check the generated header: install gcc (Debian package gcc)");
        }

        Assert.Ignore("no C compiler (cc) on PATH");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Runs a program in <paramref name="dir"/> and returns its exit code and its output (stdout then stderr).</summary>
    public static (int ExitCode, string Output) Run(string dir, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish within 2 minutes");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
