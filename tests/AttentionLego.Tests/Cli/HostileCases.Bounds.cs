using System.Collections.Concurrent;
using System.Diagnostics;
using AttentionLego.Cli;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Cost;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: bounds before work: sizes of inputs, counts, timeouts, runs beyond the machine.</summary>
public static partial class HostileCases
{
    /// <summary>The endless writers of FIFO cases, by sandbox, so the check can see that each ended.</summary>
    private static readonly ConcurrentDictionary<string, Process> Writers = new();

    public static void Bounds(HostileCatalogueBuilder b)
    {
        var real = new ProcessOptions { Limit = TimeSpan.FromMinutes(2) };

        // Inputs read with a cap: a device, a FIFO that never ends, a huge file, a huge value.
        b.Add("config validate", "bounds-config-dev-zero", "`config validate --config /dev/zero` (endless)", ExitCodes.InvalidConfig,
            "/dev/zero: goes on past the 256 MiB a configuration file may hold", "pass a JSON configuration file",
            _ => ["config", "validate", "--config", "/dev/zero"], process: real, check: ShortMessage);
        b.Add("config show", "bounds-config-endless-fifo", "`config show --config` a FIFO that `yes` writes into forever", ExitCodes.InvalidConfig,
            "goes on past the 256 MiB a configuration file may hold (a device, a pipe or a file that grows while it is read).", "pass a JSON configuration file",
            s => ["config", "show", "--config", Fifo(s)], setup: StartEndlessWriter, process: real, check: WriterEnded);
        b.Add("config validate", "bounds-config-huge-file", "`--config` a 300 MiB file", ExitCodes.InvalidConfig,
            "holds 300 MiB, more than the 256 MiB a configuration file may hold.", "about 140 bytes more per fault-map entry (at most 1,000,000 entries)",
            s => ["config", "validate", "--config", Big(s)], setup: s => Sparse(Big(s), 300L << 20),
            check: async (s, run) => { File.Delete(Big(s)); await ShortMessage(s, run); });
        b.Add("config validate", "bounds-config-huge-string", "a config file whose `DModel` is a 10 MB string with escape sequences", ExitCodes.InvalidConfig,
            "Model.DModel: must be a whole number, not the string \"\\x1B[2J\\x1B[31m", "...\" (10,485,760 characters). Fix: write an integer such as 16.",
            s => ["config", "validate", "--config", s.TinyConfig("c.json", t => t.Replace("\"DModel\": 64", "\"DModel\": \"" + HugeJsonString() + "\"", StringComparison.Ordinal))],
            check: ShortMessage);
        b.Add("config show", "bounds-set-huge-value", "`config show --set Model.DModel=` 130,000 characters with escape sequences (near the OS's 128 KiB per argument)",
            ExitCodes.InvalidConfig, "--set Model.DModel=\\x1B[2J\\x1B[31m", "(130,023 characters): is longer than the 1,000 characters an assignment may have.",
            _ => ["config", "show", "--set", "Model.DModel=" + HugeArgument()], process: real, check: ShortMessage);
        b.Add("cosim", "bounds-option-value-escaped", "`cosim --module` a name with an escape sequence and a carriage return", ExitCodes.Usage,
            "soft\\x1B[2Jmax\\r", "see `attnlego --help`", _ => ["cosim", "--module", "soft\u001b[2Jmax\r"], check: ShortMessage);
        b.Add("regress", "bounds-matrix-dev-zero", "`regress --matrix /dev/zero`", ExitCodes.InvalidConfig, "/dev/zero: goes on past the 4 MiB a matrix file may hold",
            "pass a regression matrix", s => ["regress", "--matrix", "/dev/zero", "--out", s.Out, "--cache-dir", s.Cache], check: ShortMessage);
        b.Add("regress merge", "bounds-merge-dev-zero", "`regress merge /dev/zero`", ExitCodes.Usage, "/dev/zero: goes on past the 128 MiB a JUnit file may hold",
            "pass the JUnit files that attnlego regress wrote", s => ["regress", "merge", "/dev/zero", "-o", s.Path("out", "merged.xml")], check: ShortMessage);

        // Counts and options, checked before any work.
        b.Add("regress", "bounds-regress-jobs-1000", "`regress -j 1000` (60 Verilator builds at once)", ExitCodes.Usage,
            $"-j 1000 is more than 4 cases per core on this machine's {Environment.ProcessorCount} core", $"Fix: use -j {Environment.ProcessorCount} (one case per core)",
            s => ["regress", "--matrix", s.Write("in/m.json", """{ "entries": [ { "preset": "tiny", "modules": "all" } ] }"""), "-j", "1000", "--out", s.Out,
                "--cache-dir", s.Cache], process: real, check: NothingStarted);
        b.Add("cosim", "bounds-cosim-timeout-beyond-timer", "`cosim --timeout 99999999` (beyond the timer's 49.7 days)", ExitCodes.Usage,
            "--timeout 99999999 is more than 604,800 s (7 days)", "use --timeout 1..604800",
            s => ["cosim", "--module", "softmax", "--timeout", "99999999", "--work-dir", s.Work, "--cache-dir", s.Cache], process: real, check: NothingStarted);
        b.Add("report", "bounds-report-yosys-timeout-beyond-timer", "`report --yosys-timeout 99999999`", ExitCodes.Usage,
            "--yosys-timeout 99999999 is more than 604,800 s (7 days)", "use --yosys-timeout 1..604800",
            s => ["report", "--yosys-timeout", "99999999", "--out", s.Out]);
        b.Add("cosim", "bounds-cosim-seeds-too-many", "`cosim --seeds 1000000`", ExitCodes.Usage, "--seeds 1000000 is more than the 100,000 seeds one run may have",
            "split the seeds over several runs with --seed", s => ["cosim", "--module", "softmax", "--seeds", "1000000", "--work-dir", s.Work, "--cache-dir", s.Cache]);
        b.Add("regress", "bounds-regress-cases-too-many", "`regress --random-configs 10000 --seeds 100 --list`", ExitCodes.Usage,
            "--random-configs 10000 with 12 modules and --seeds 100 is 12,000,000 cases, more than the 100,000 one regression runs.", "split a larger campaign by --seed",
            s => ["regress", "--random-configs", "10000", "--seeds", "100", "--list", "--out", s.Out]);
        b.Add("regress", "bounds-regress-shards-too-many", "`regress --shard 1/2147483647 --list` (was out of memory)", ExitCodes.Usage,
            "--shard 1/2147483647: 2,147,483,647 shards are more than the 100,000 cases one regression runs.", "split into at most as many shards as there are cases",
            s => ["regress", "--random-configs", "2", "--shard", "1/2147483647", "--list", "--out", s.Out]);
        b.Add("regress", "bounds-matrix-seed-count-huge", "a matrix entry with `\"seeds\": { \"count\": 2147483647 }`", ExitCodes.InvalidConfig,
            "entries[0].seeds.count: is 2,147,483,647, more than the 100,000 seeds one entry may run.", "split the seeds over several regressions",
            s => ["regress", "--matrix", s.Write("in/m.json", """{ "entries": [ { "preset": "tiny", "modules": "all", "seeds": { "count": 2147483647 } } ] }"""),
                "--out", s.Out, "--cache-dir", s.Cache]);
        b.Add("regress", "bounds-matrix-too-many-cases", "a matrix of 3 entries, each every module x 50,000 seeds", ExitCodes.InvalidConfig,
            "entries[0]: brings the regression to 600,000 cases or more", "split the matrix into several files",
            s => ["regress", "--matrix", s.Write("in/m.json", """{ "entries": [ { "preset": "tiny", "modules": "all", "seeds": { "count": 50000 } }, { "preset": "paper", "modules": "all", "seeds": { "count": 50000 } }, { "preset": "paper-exact", "modules": "all", "seeds": { "count": 50000 } } ] }"""),
                "--out", s.Out, "--cache-dir", s.Cache]);
        // "all" inside an array was counted as one module: 100,000 seeds then passed the bound and expanded to 1,200,000 cases.
        b.Add("regress", "bounds-matrix-modules-all-in-an-array", "a matrix entry with `\"modules\": [\"all\"]` and 100,000 seeds", ExitCodes.InvalidConfig,
            "entries[0]: brings the regression to 1,200,000 cases or more", "split the matrix into several files",
            s => ["regress", "--matrix", s.Write("in/m.json", """{ "entries": [ { "preset": "tiny", "modules": ["all"], "seeds": { "count": 100000 } } ] }"""),
                "--list", "--out", s.Out, "--cache-dir", s.Cache], check: ShortMessage);
        b.Add("faults draw", "bounds-faults-draw-rate-1-paper-mha", "`faults draw --rate 1 --preset paper-mha` (671 million stuck bits)", ExitCodes.Usage,
            "--rate 1 draws about 671,088,640 faults over the 671,088,640 stored bits of paper-mha, more than the 1,000,000 entries a fault map may hold.",
            "use a rate of at most 0.00149 on paper-mha", _ => ["faults", "draw", "--preset", "paper-mha", "--rate", "1"], process: real,
            check: (_, run) =>
            {
                Assert.That(run.Out, Is.Empty, "no configuration printed");
                return Task.CompletedTask;
            });
        b.Add("faults sweep", "bounds-faults-sweep-rate-too-dense", "`faults sweep --preset paper --rates 0,0.1`", ExitCodes.Usage,
            "--rates 0.1 draws about 1,677,722 faults over the 16,777,216 stored bits of paper", "use a rate of at most 0.0596 on paper",
            _ => ["faults", "sweep", "--preset", "paper", "--rates", "0,0.1"]);
        b.Add("faults sweep", "bounds-faults-sweep-seed-overflow", "`faults sweep --seed 2147483647 --seeds 3` (was an internal error)", ExitCodes.Usage,
            "--seed + --seeds - 1 must not exceed 2147483647", "see `attnlego --help`", _ => ["faults", "sweep", "--seed", "2147483647", "--seeds", "3", "--rates", "0"]);
        b.Add("faults sweep", "bounds-faults-sweep-rates-too-many", "`faults sweep --rates` a list of 2,000 rates", ExitCodes.Usage,
            "--rates: lists 2,000 rates, more than the 1,000 one sweep measures.", "list fewer rates",
            _ => ["faults", "sweep", "--rates", string.Join(',', Enumerable.Repeat("0", 2000))]);

        // Runs far beyond this machine: refused with the estimate and the limit, before anything is rendered or built.
        b.Add("cosim", "bounds-cosim-paper-mha-array", "`cosim --preset paper-mha --module array` (Verilator was killed at 24 GiB elaborating it)", ExitCodes.BeyondMachine,
            "cosim --module array needs about ", "set ATTNLEGO_IGNORE_COST=1 to run it anyway",
            s => ["cosim", "--preset", "paper-mha", "--module", "array", "--work-dir", s.Work, "--cache-dir", s.Cache],
            setup: _ => IgnoreWhenTheMachineFits(RunCost.Cosim(Presets.PaperMha, "array", 4, 1)), process: real,
            check: async (s, run) =>
            {
                Assert.That(run.Err, Does.Contain("GiB of memory (5,120 PIM macros of 128x128 with 16 lanes x 16 ADCs (1,310,720 multipliers) to build), more than this machine's "));
                await NothingStarted(s, run);
            });
        b.Add("cosim", "bounds-cosim-weeks", "`cosim --module top --preset paper-exact --tokens 2048 --seeds 100000`", ExitCodes.BeyondMachine,
            "cosim --module top would take about ", "more than the 7 days one run may take",
            s => ["cosim", "--module", "top", "--preset", "paper-exact", "--tokens", "2048", "--seeds", "100000", "--work-dir", s.Work, "--cache-dir", s.Cache],
            process: real, check: async (s, run) =>
            {
                Assert.That(run.Err, Does.Contain("100,000 seeds x "), "the estimate's figures");
                await NothingStarted(s, run);
            });
        // A matrix this large is refused before the cost (it could not be elaborated at all: Linter.Unelaborable), with the figure.
        b.Add("lint", "bounds-lint-matrix-beyond-memory", "`lint --set Model.DModel=65536 --set Model.DHead=1024` (262,144 macros in al_pim_matrix)", ExitCodes.BeyondMachine,
            "holds 262,144 PIM macros, more than the 2,048 that Verilator elaborates for lint", "lint a configuration whose matrices hold at most 2,048 macros each",
            _ => ["lint", "--set", "Model.DModel=65536", "--set", "Model.DHead=1024"], process: real, check: NothingStarted);
        // 16 heads: the largest array of such heads whose memory image the 32-bit bus still addresses (the validator refuses 64).
        b.Add("report", "bounds-report-beyond-memory", "`report` of 16 heads of d_model 65536 x d_head 1024 (the whole array's golden model)", ExitCodes.BeyondMachine,
            "report needs about ", "PIM cells in the golden model), more than this machine's",
            s => ["report", "--no-yosys", "--set", "Model.Heads=16", "--set", "Model.DModel=65536", "--set", "Model.DHead=1024", "--tokens", "4", "--out", s.Out]);
        b.Add("faults sweep", "bounds-faults-sweep-weeks", "`faults sweep --preset paper-exact --tokens 2048 --seeds 100000`", ExitCodes.BeyondMachine,
            "faults sweep would take about ", "more than the 7 days one run may take",
            _ => ["faults", "sweep", "--preset", "paper-exact", "--tokens", "2048", "--seeds", "100000"], process: real,
            check: (_, run) =>
            {
                Assert.That(run.Err, Does.Contain("600,000 runs x 2,048 tokens"), "the estimate's figures: 6 rates x 100,000 seeds");
                Assert.That(run.Out, Is.Empty);
                return Task.CompletedTask;
            });
    }

    /// <summary>The message is short (an excerpt, not the value) and holds no raw control character.</summary>
    private static Task ShortMessage(Sandbox s, CliRun run)
    {
        Assert.That(run.Err.Length, Is.LessThan(4000), "a short message, not the value");
        Assert.That(run.Err.Where(ch => char.IsControl(ch) && ch is not '\n' and not '\t'), Is.Empty, "no raw control character reaches the terminal (a line feed and a tab lay it out)");
        return Task.CompletedTask;
    }

    /// <summary>Refused before any work: no process started (no Verilator, no compiler), nothing in the cache or work folder.</summary>
    private static Task NothingStarted(Sandbox s, CliRun run)
    {
        Assert.That(run.Descendants, Is.Empty, "no tool was started");
        Assert.That(Directory.GetFileSystemEntries(s.Cache), Is.Empty);
        Assert.That(Directory.GetFileSystemEntries(s.Work), Is.Empty);
        Assert.That(run.Out, Is.Empty);
        return Task.CompletedTask;
    }

    private static void IgnoreWhenTheMachineFits(RunEstimate estimate)
    {
        if (estimate.PeakBytes <= Machine.Current.MemoryBytes)
        {
            Assert.Ignore($"this machine has {RunCost.Bytes(Machine.Current.MemoryBytes)}: {estimate.Run} ({RunCost.Bytes(estimate.PeakBytes)}) is not beyond it.");
        }
    }

    // Large inputs live next to the sandbox, not in it: the no-partial-output snapshot reads every file it holds.
    private static string Fifo(Sandbox s) => s.Root + ".fifo";

    private static string Big(Sandbox s) => s.Root + ".big.json";

    private static void Sparse(string path, long length)
    {
        using var stream = File.Create(path);
        stream.SetLength(length);
    }

    private static void StartEndlessWriter(Sandbox s)
    {
        using (var mkfifo = Process.Start("mkfifo", [Fifo(s)]))
        {
            mkfifo.WaitForExit();
        }

        // `yes` writes "y\n" until its reader closes the pipe; it then dies of SIGPIPE.
        Writers[s.Root] = Process.Start(new ProcessStartInfo("sh", ["-c", $"exec yes > '{Fifo(s)}'"]) { UseShellExecute = false })!;
    }

    private static async Task WriterEnded(Sandbox s, CliRun run)
    {
        Writers.TryRemove(s.Root, out var writer);
        try
        {
            Assert.That(writer!.WaitForExit(10_000), Is.True, "the writer ended when attnlego closed the pipe after the limit");
        }
        finally
        {
            if (!writer!.HasExited)
            {
                writer.Kill();
            }

            writer.Dispose();
            File.Delete(Fifo(s));
        }

        await ShortMessage(s, run);
    }

    /// <summary>A JSON string of 10 MiB whose text starts with escape sequences (written \u001b in JSON, raw once parsed).</summary>
    private static string HugeJsonString() => "\\u001b[2J\\u001b[31m" + new string('x', (10 << 20) - 9);

    /// <summary>An argument of 130,000 characters (the OS takes at most 128 KiB per argument), starting with escape sequences and a newline.</summary>
    private static string HugeArgument() => "\u001b[2J\u001b[31m\n" + new string('9', 130_000);
}
