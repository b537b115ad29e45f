using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AttentionLego.Cli;
using AttentionLego.Cosim.Tools;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: every run owns its folders: concurrent runs, shared default paths, output races.</summary>
public static partial class HostileCases
{
    /// <summary>The other run of a case (a flock(1) process holding a folder), stopped by the case's check.</summary>
    private static readonly ConcurrentDictionary<string, FolderHolder> OtherRuns = new();

    public static void Ownership(HostileCatalogueBuilder b)
    {
        const string Matrix = """{ "entries": [ { "preset": "tiny", "modules": ["softmax"] } ] }""";

        b.Add("regress", "regress-out-in-use", "`regress --out` a folder another live run holds (flock)", ExitCodes.OutputError,
            "is in use by pid", "wait for it or choose another --out",
            s => ["regress", "--matrix", s.Write("in/m.json", Matrix), "--out", s.Out, "--cache-dir", s.Cache],
            setup: s => Hold(s, s.Out, "sleep 30"),
            check: (s, run) => Released(s, () =>
            {
                Assert.That(run.Err, Does.Contain($"--out {s.Out} is in use by pid {HolderOf(s)} (flock)"), "names the holder and what it runs");
                Assert.That(run.Out, Is.Empty, "refused before any work");
            }));
        b.Add("regress", "regress-junit-is-a-folder", "`regress --junit` naming a folder that exists", ExitCodes.OutputError,
            "is a folder, not a file.", "name a file, e.g. --junit",
            s => ["regress", "--matrix", s.Write("in/m.json", Matrix), "--out", s.Out, "--cache-dir", s.Cache, "--junit", s.Path("in")],
            check: (s, run) =>
            {
                Assert.That(run.Out, Does.Not.Contain("[1/"), "refused before any case ran");
                Assert.That(Directory.Exists(s.Out), Is.False, "the --out it had claimed is let go and removed: it was empty");
                return Task.CompletedTask;
            });
        b.Add("regress", "regress-junit-ends-with-a-slash", "`regress --junit out/` (a folder's name)", ExitCodes.OutputError,
            "names a folder, not a file.", "name a file, e.g. --junit",
            s => ["regress", "--matrix", s.Write("in/m.json", Matrix), "--out", s.Out, "--cache-dir", s.Cache, "--junit", s.Path("report") + "/"]);

        // The race of two runs into one folder, made deterministic: another run holds the parent (as it does while it
        // moves its folder into place) and fills the folder before it lets go; this run must then see it filled.
        b.Add("generate", "generate-out-filled-while-waiting", "`generate --out X` while another run holds X's parent and fills X", ExitCodes.OutputError,
            "already exists and is not empty", "pass --force to replace it, or choose another --out",
            s => ["generate", "--out", s.Out],
            setup: s => Hold(s, s.Root, $"sleep 2; mkdir -p '{s.Out}'; echo winner > '{s.Out}/manifest.json'"),
            mayLeave: p => p is "out" or "out/manifest.json",
            check: (s, run) => Released(s, () =>
                Assert.That(File.ReadAllText(s.Path("out", "manifest.json")), Is.EqualTo("winner\n"), "the winner's folder is left as it made it")));
        b.Add("report", "report-out-filled-while-waiting", "`report --no-yosys --out X` while another run holds X's parent and fills X", ExitCodes.OutputError,
            "already exists and is not empty", "pass --force to replace it, or choose another --out",
            s => ["report", "--no-yosys", "--tokens", "4", "--out", s.Out],
            setup: s => Hold(s, s.Root, $"sleep 2; mkdir -p '{s.Out}'; echo winner > '{s.Out}/report.md'"),
            mayLeave: p => p is "out" or "out/report.md",
            check: (s, run) => Released(s, () =>
                Assert.That(Directory.GetFileSystemEntries(s.Out).Select(Path.GetFileName), Is.EqualTo(new[] { "report.md" }), "nothing of the loser's")));

        // An interrupted case has no verdict: its folder goes, with the parents it made (docs/CLI.md, cosim "--work-dir").
        b.Add("cosim", "cosim-sigterm-removes-the-case-folder", "SIGTERM while `cosim` (default --work-dir) runs a stand-in simulator that never ends",
            ExitCodes.Terminated, "interrupted: attnlego cosim stopped on SIGTERM", "(exit 143)",
            s => ["cosim", "--module", "softmax", "--cache-dir", s.Cache],
            env: s => [(VerilatorDriver.OverrideVariable, HangingSimulator(s))],
            mayLeave: p => p.StartsWith("cache/", StringComparison.Ordinal) || p == "tools/sim.pids",
            process: new ProcessOptions { Signal = PosixSignal.SIGTERM, When = (family, _) => family.Any(p => p.Name == "sleep") },
            check: (s, run) =>
            {
                Assert.That(Directory.GetDirectories(s.Root, "seed-*", SearchOption.AllDirectories), Is.Empty, "no case folder");
                Assert.That(Directory.GetFileSystemEntries(s.Cwd), Is.Empty, "nor the build/cosim folders the case made");
                var pids = File.ReadAllLines(s.Path("tools", "sim.pids")).Where(l => l.Length > 0).Select(int.Parse).ToList();
                Assert.That(pids.Where(p => !Processes.WaitGone(p, TimeSpan.FromSeconds(2))), Is.Empty, "the simulator and its child are killed");
                return Task.CompletedTask;
            });

        // Interrupted regress (issue 16, point 4): the JUnit of the finished cases, the run marked interrupted.
        const int Seeds = 300;
        b.Add("regress", "regress-sigint-writes-the-junit-of-finished-cases", $"SIGINT after the third of {Seeds} cases of `regress` (default --out)",
            ExitCodes.Interrupted, "interrupted: attnlego regress stopped on SIGINT", "(exit 130)",
            s => ["regress", "--matrix", s.Write("in/m.json", $$"""{ "entries": [ { "preset": "tiny", "modules": ["softmax"], "seeds": { "count": {{Seeds}} } } ] }"""),
                "--cache-dir", TestEnvironment.CacheRoot],
            mayLeave: p => p is "cwd/build" or "cwd/build/regress" or "cwd/build/regress/junit.xml",
            process: new ProcessOptions { Signal = PosixSignal.SIGINT, When = (_, output) => output.Contains($"[3/{Seeds}]", StringComparison.Ordinal) },
            check: (s, run) =>
            {
                var finished = Regex.Matches(run.Out, $@"\[\d+/{Seeds}\] pass").Count;
                Assert.That(finished, Is.InRange(3, Seeds - 1));
                Assert.That(run.Out, Does.Contain($"junit: build/regress/junit.xml (stopped by SIGINT: {finished} passed, 0 failed, {Seeds - finished} without a verdict, listed as skipped)"));
                var root = XDocument.Load(s.Path("cwd", "build", "regress", "junit.xml")).Root!;
                Assert.That(((string?)root.Attribute("tests"), (string?)root.Attribute("skipped"), (string?)root.Attribute("failures"), (string?)root.Attribute("errors")),
                    Is.EqualTo(($"{Seeds}", $"{Seeds - finished}", "0", "0")), "every case listed; those without a verdict as skipped");
                Assert.That(root.Descendants("property").Single(p => (string?)p.Attribute("name") == "interrupted").Attribute("value")!.Value, Is.EqualTo("SIGINT"));
                Assert.That(root.Descendants("testcase").Select(t => (string?)t.Attribute("name")).Distinct().Count(), Is.EqualTo(Seeds));
                return Task.CompletedTask;
            });
    }

    /// <summary>Starts another run that holds <paramref name="folder"/> and runs <paramref name="script"/> before it lets go.</summary>
    private static void Hold(Sandbox s, string folder, string script)
    {
        Directory.CreateDirectory(folder);
        OtherRuns[s.Root] = FolderHolder.Start(folder, then: script);
    }

    private static int HolderOf(Sandbox s) => OtherRuns[s.Root].Pid;

    /// <summary>Runs the case's assertions, then stops its other run.</summary>
    private static Task Released(Sandbox s, Action assertions)
    {
        try
        {
            assertions();
        }
        finally
        {
            if (OtherRuns.TryRemove(s.Root, out var holder))
            {
                holder.Dispose();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A Verilator 5.006 stand-in whose "simulator" writes its pid and its child's to tools/sim.pids and sleeps.</summary>
    private static string HangingSimulator(Sandbox s) => s.Script("verilator", $$"""
        if [ "$1" = "--version" ]; then echo "Verilator 5.006 2023-01-22 rev (hostile-input stand-in)"; exit 0; fi
        top=""; prev=""
        for a in "$@"; do [ "$prev" = "--top-module" ] && top="$a"; prev="$a"; done
        mkdir -p obj_dir
        printf '#!/bin/sh\necho $$ >> "%s"\nsleep 600 &\necho $! >> "%s"\nwait\n' "{{s.Path("tools", "sim.pids")}}" "{{s.Path("tools", "sim.pids")}}" > "obj_dir/V$top"
        chmod +x "obj_dir/V$top"

        """);
}
