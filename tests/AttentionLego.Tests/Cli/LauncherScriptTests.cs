using System.Diagnostics;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Cli;

/// <summary>
/// <c>scripts/attnlego</c>, the launcher that builds the CLI when a source is newer: run from a copy of the repository
/// whose path has a space, with a stand-in <c>dotnet</c> on PATH, so nothing real is built.
/// </summary>
public sealed class LauncherScriptTests
{
    [Test]
    public void Pruning_old_builds_in_a_repository_whose_path_has_a_space_removes_only_those_builds()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("the launcher is a bash script");
            return;
        }

        using var temp = new TempFolder();
        // "attn repo" split into words would be ".../attn" and "repo/build/cli.*": the sibling folder must survive.
        var sibling = Directory.CreateDirectory(temp.Combine("attn")).FullName;
        File.WriteAllText(Path.Combine(sibling, "keep.txt"), "not the launcher's");
        var repo = Directory.CreateDirectory(temp.Combine("attn repo")).FullName;
        foreach (var folder in new[] { "scripts", "cli", "generator", "cosim", "templates", "build" })
        {
            Directory.CreateDirectory(Path.Combine(repo, folder));
        }

        File.Copy(Path.Combine(TestEnvironment.RepositoryRoot, "scripts", "attnlego"), Path.Combine(repo, "scripts", "attnlego"));
        var old = new[] { 1, 2, 3 }.Select(i => Path.Combine(repo, "build", $"cli.2000010100000000000000.{i}")).ToList();
        foreach (var build in old)
        {
            Directory.CreateDirectory(build);
            File.WriteAllText(Path.Combine(build, "attnlego.dll"), "");
        }

        var bin = Directory.CreateDirectory(temp.Combine("bin")).FullName;
        var dotnet = Path.Combine(bin, "dotnet");
        File.WriteAllText(dotnet, """
            #!/bin/sh
            # Stand-in: "build ... -o DIR" makes DIR/attnlego.dll; anything else says what it would run.
            if [ "$1" = build ]; then
              out=
              while [ $# -gt 0 ]; do [ "$1" = -o ] && out="$2"; shift; done
              mkdir -p "$out" && : > "$out/attnlego.dll"
              exit 0
            fi
            echo "ran $*"
            """.Replace("\r", ""));
        File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var start = new ProcessStartInfo("bash", [Path.Combine(repo, "scripts", "attnlego"), "--version"])
        {
            WorkingDirectory = temp.Path, // a split path's second word ("repo/build/...") resolves here: nothing to hit but itself
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        Assert.That(process.WaitForExit(30_000), Is.True, "the launcher finished");

        Assert.That(process.ExitCode, Is.EqualTo(0), error);
        Assert.That(output, Does.StartWith("ran " + Path.Combine(repo, "build", "cli.")).And.Contain("attnlego.dll --version"));
        Assert.That(Path.Combine(sibling, "keep.txt"), Does.Exist, "a folder beside the repository is not the launcher's to remove");
        Assert.That(Directory.Exists(old[2]), Is.True, "the previous build stays (an invocation may have just resolved it)");
        Assert.That(old.Take(2).Where(Directory.Exists), Is.Empty, "the older builds are removed");
        Assert.That(Directory.EnumerateDirectories(Path.Combine(repo, "build"), "cli.2*").Count(), Is.EqualTo(2), "the new build and the previous one");
    }
}
