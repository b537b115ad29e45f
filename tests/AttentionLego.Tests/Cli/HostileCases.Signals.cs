using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using AttentionLego.Cli;
using AttentionLego.Cosim.Tools;
using AttentionLego.Cosim.Waves;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cli;

/// <summary>
/// Hostile cases of issue 16: SIGINT and SIGTERM at a random moment of every long command (each stops within 2 s, kills
/// its children, leaves nothing partial, and the same command then runs to success); external tools that hang (each
/// call has a time limit); wave files beyond the reader's bounds.
/// </summary>
public static partial class HostileCases
{
    public static void Signals(HostileCatalogueBuilder b)
    {
        // --- SIGINT / SIGTERM at a random moment of each long command -----------------------------------------------------
        // The moment: once an anchor holds (a process of the run exists, a line was printed), a delay drawn from a seeded
        // generator; for the commands that start no process and print nothing until the end, an amount of CPU time the command
        // has used, drawn the same way (wall time would stretch with the machine's load; CPU time is the work done: each of
        // these runs takes 2 to 5 s of CPU, its start-up about 0.15 s). ATTNLEGO_SIGNAL_SEED replays a run's moments (each
        // case prints its seed and the replay line).
        static bool Has(IReadOnlyList<ProcessInfo> family, params string[] names) => family.Any(p => names.Any(n => p.Name.StartsWith(n, StringComparison.Ordinal)));

        // A Verilator build of the cheapest bench in a fresh cache: signalled while make or a C++ compiler runs.
        Signal(b, "cosim", "signal-cosim-build-sigint", "SIGINT while Verilator's make or the C++ compiler runs, in `cosim --module requant` with an empty `--cache-dir`",
            PosixSignal.SIGINT, s => ["cosim", "--module", "requant", "--cache-dir", s.Cache, "--work-dir", s.Work],
            new Moment("a make or cc1plus process of the build", (f, _) => Has(f, "make", "cc1plus"), 0, 2.0, (f, _) => Has(f, "make", "cc1plus", "g++")),
            check: (s, _) => NoneStartsWith(s.Cache, "."), needs: TestEnvironment.RequireVerilatorAsync);

        // Simulations (the build cached in $ATTNLEGO_CACHE after the first run): signalled while a simulator runs. Softmax over
        // 2,048 tokens simulates about 30,000 cycles per seed, a few tenths of a second, so that a poll sees the simulator.
        Signal(b, "cosim", "signal-cosim-simulation-sigint", "SIGINT while the simulator runs, in `cosim --module softmax --set Model.MaxSeqLen=2048 --seeds 8`",
            PosixSignal.SIGINT, s => ["cosim", "--module", "softmax", "--set", "Model.MaxSeqLen=2048", "--seeds", "8", "--work-dir", s.Work],
            new Moment("the first simulator process", (f, _) => Has(f, "Val_tb_"), 0, 1.0, (f, _) => Has(f, "Val_tb_")),
            mayLeave: p => p.StartsWith("work/", StringComparison.Ordinal), check: (s, _) => NoFiles(s.Work), needs: TestEnvironment.RequireVerilatorAsync);

        var matrix = $"{{ \"entries\": [ {{ \"preset\": \"tiny\", \"set\": [\"Model.MaxSeqLen=2048\"], \"modules\": [\"softmax\"], \"seeds\": [{string.Join(", ", Enumerable.Range(1, 12))}] }} ] }}";
        foreach (var (id, signal) in new[] { ("signal-regress-sigint", PosixSignal.SIGINT), ("signal-regress-sigterm", PosixSignal.SIGTERM) })
        {
            // What a regression leaves on interruption (the JUnit of the finished cases) is the regression's to say; here only
            // the common contract: no case folder with files in it, no process, one line, the exit code, and the next run passes.
            Signal(b, "regress", id, $"{signal} while a simulator runs, after the first finished case of `regress -j 2` over 12 seeds of softmax (`Model.MaxSeqLen=2048`)", signal,
                s => ["regress", "--matrix", s.Write("in/m.json", matrix), "--out", s.Out, "-j", "2"],
                new Moment("the first finished case", (_, output) => output.Contains("[1/", StringComparison.Ordinal), 0, 1.0, (f, _) => Has(f, "Val_tb_")),
                mayLeave: p => p == "out" || p.StartsWith("out/", StringComparison.Ordinal),
                check: (s, _) => NoFiles(Path.Combine(s.Out, "cases")), needs: TestEnvironment.RequireVerilatorAsync);
        }

        // An empty cache of its own: with tiny's lint results cached, `lint` would start no Verilator to be interrupted in. Within
        // a second of the first module: tiny's whole lint takes under three seconds on an idle machine, and a signal drawn
        // after its last module would find no Verilator left to interrupt.
        Signal(b, "lint", "signal-lint-sigint", "SIGINT while Verilator lints a module of `lint`", PosixSignal.SIGINT, _ => ["lint"],
            new Moment("the first verilator_bin process", (f, _) => Has(f, "verilator_bin"), 0, 1.0, (f, _) => Has(f, "verilator")),
            mayLeave: p => p.StartsWith("cache/", StringComparison.Ordinal), needs: TestEnvironment.RequireVerilatorAsync,
            env: s => [(BuildCache.EnvironmentVariable, s.Cache)]);

        // An empty cache of its own too: with the tiny head's Yosys reports cached, `report` would start no Yosys.
        Signal(b, "report", "signal-report-sigint", "SIGINT while Yosys runs, in `report`", PosixSignal.SIGINT, s => ["report", "--out", s.Out],
            new Moment("the yosys process", (f, _) => Has(f, "yosys"), 0, 3.0, (f, _) => Has(f, "yosys")), needs: TestEnvironment.RequireYosysAsync,
            mayLeave: p => p.StartsWith("cache/", StringComparison.Ordinal), env: s => [(BuildCache.EnvironmentVariable, s.Cache)]);

        foreach (var (id, signal) in new[] { ("signal-accuracy-sigint", PosixSignal.SIGINT), ("signal-accuracy-sigterm", PosixSignal.SIGTERM) })
        {
            Signal(b, "accuracy", id, $"{signal} at a random moment of `accuracy --preset paper-exact --tokens 128`", signal,
                _ => ["accuracy", "--preset", "paper-exact", "--tokens", "128"], Moment.Cpu(0.3, 1.2));
        }

        Signal(b, "faults sweep", "signal-faults-sweep-sigint", "SIGINT at a random moment of `faults sweep --preset paper-exact --rates 0,1e-3 --seeds 1 --tokens 32`",
            PosixSignal.SIGINT, _ => ["faults", "sweep", "--preset", "paper-exact", "--rates", "0,1e-3", "--seeds", "1", "--tokens", "32"],
            Moment.Cpu(0.3, 1.2));

        Signal(b, "wave diff", "signal-wave-diff-sigint", "SIGINT at a random moment of `wave diff` of two 40 MB VCD files",
            PosixSignal.SIGINT, s => ["wave", "diff", s.Path("in", "a.vcd"), s.Path("in", "b.vcd")], Moment.Cpu(0.3, 2.0),
            setup: s =>
            {
                BigVcd(s.Path("in", "a.vcd"), 40 << 20);
                File.Copy(s.Path("in", "a.vcd"), s.Path("in", "b.vcd"));
            });

        // --- every external call has a time limit ----------------------------------------------------------------------
        // Stand-ins that hang (with a child process, which must die too), and ATTNLEGO_TIMEOUTS set to 1 s for the step.
        string Hang(Sandbox s, string name, string answer, string hangOn) => s.Script(name, $$"""
            if [ "{{hangOn}}" = "*" ] || [ "$1" = "{{hangOn}}" ]; then echo $$ >> "{{s.Path("tools", "hung.pids")}}"; sleep 600 & echo $! >> "{{s.Path("tools", "hung.pids")}}"; wait; fi
            {{answer}}
            """);
        const string Verilator5 = "echo \"Verilator 5.006 2023-01-22 rev (stand-in)\"; exit 0";
        (string, string) Limit(string step) => (ToolProcess.TimeoutsVariable, $"{step}=1");
        bool Pids(string p) => p == "tools/hung.pids";

        b.Add("cosim", "timeout-verilator-probe", "`cosim` with a Verilator whose `--version` hangs, `ATTNLEGO_TIMEOUTS=probe=1`", ExitCodes.Timeout,
            "--version did not finish within 1 s and was stopped, with every process it started.", "check the Verilator installation (scripts/setup.sh)",
            s => ["cosim", "--module", "softmax", "--cache-dir", s.Cache, "--work-dir", s.Work],
            env: s => [(VerilatorDriver.OverrideVariable, Hang(s, "verilator", Verilator5, "--version")), Limit("probe")],
            mayLeave: Pids, check: CheckHungGone, process: new ProcessOptions { Limit = TimeSpan.FromMinutes(2) });
        b.Add("cosim", "timeout-iverilog-probe", "`cosim --simulator icarus` with an iverilog whose `-V` hangs, `ATTNLEGO_TIMEOUTS=probe=1`", ExitCodes.Timeout,
            "-V did not finish within 1 s and was stopped", "check the Icarus Verilog installation (scripts/setup.sh)",
            s => ["cosim", "--module", "softmax", "--simulator", "icarus", "--cache-dir", s.Cache, "--work-dir", s.Work],
            env: s => [(IcarusDriver.OverrideVariable, Hang(s, "iverilog", "echo 'Icarus Verilog version 11.0 (stable) ()'", "-V")), Limit("probe")],
            setup: s => s.Script("vvp", "exit 0"),
            mayLeave: Pids, check: CheckHungGone, process: new ProcessOptions { Limit = TimeSpan.FromMinutes(2) });
        b.Add("report", "timeout-yosys-probe", "`report` with a Yosys whose `-V` hangs, `ATTNLEGO_TIMEOUTS=probe=1`", ExitCodes.Timeout,
            "-V did not finish within 1 s and was stopped", "or pass --no-yosys", s => ["report", "--out", s.Out],
            env: s => [(YosysDriver.OverrideVariable, Hang(s, "yosys", "echo 'Yosys 0.23 (stand-in)'", "-V")), Limit("probe")],
            mayLeave: Pids, check: CheckHungGone, process: new ProcessOptions { Limit = TimeSpan.FromMinutes(2) });
        b.Add("lint", "timeout-lint", "`lint` with a Verilator whose lint hangs, `ATTNLEGO_TIMEOUTS=lint=1`", ExitCodes.Timeout,
            "the lint of al_pim_macro (verilator --lint-only) did not finish within 1 s and was stopped", "lint a smaller configuration",
            _ => ["lint"],
            env: s => [(VerilatorDriver.OverrideVariable, Hang(s, "verilator", Verilator5, "--lint-only")), Limit("lint")],
            mayLeave: Pids, check: CheckHungGone, process: new ProcessOptions { Limit = TimeSpan.FromMinutes(2) });
        b.Add("cosim", "timeout-build", "`cosim` with a Verilator whose build hangs, `ATTNLEGO_TIMEOUTS=build=1`", ExitCodes.Timeout,
            "the simulator build (verilator in", "co-simulate a smaller configuration (a build this long is beyond this machine)",
            s => ["cosim", "--module", "softmax", "--cache-dir", s.Cache, "--work-dir", s.Work],
            env: s => [(VerilatorDriver.OverrideVariable, Hang(s, "verilator", $"if [ \"$1\" = \"--version\" ]; then {Verilator5}; fi", "--cc")), Limit("build")],
            mayLeave: Pids, check: async (s, run) =>
            {
                await CheckHungGone(s, run);
                Assert.That(Directory.GetFileSystemEntries(s.Cache), Is.Empty, "no staging folder left in the cache");
            }, process: new ProcessOptions { Limit = TimeSpan.FromMinutes(2) });
        b.Add("wave diff", "timeout-fst2vcd", "`wave diff` of an `.fst` with an fst2vcd that hangs, `ATTNLEGO_TIMEOUTS=convert=1`", ExitCodes.Timeout,
            "fst2vcd converting", "check that it is an FST file GTKWave can open, or dump a .vcd instead",
            s => ["wave", "diff", s.Write("in/a.fst", "not really"), s.Write("in/b.vcd", TinyVcd)],
            env: s => [(WaveFiles.Fst2VcdVariable, Hang(s, "fst2vcd", "exit 1", "*")), Limit("convert")],
            mayLeave: Pids, check: CheckHungGone, process: new ProcessOptions { Limit = TimeSpan.FromMinutes(2) });
        b.Add("lint", "timeouts-malformed", "`lint` with `ATTNLEGO_TIMEOUTS=probe=soon`", ExitCodes.Usage,
            "ATTNLEGO_TIMEOUTS: \"probe=soon\" is not step=seconds.", "write e.g. ATTNLEGO_TIMEOUTS=probe=60,build=7200", _ => ["lint"],
            env: _ => [(ToolProcess.TimeoutsVariable, "probe=soon")], tools: true);

        // --- wave files beyond the reader's bounds: refused before the memory they would need ----------------------------------
        string Declaring(string width) => "$timescale 1ns $end\n$scope module tb $end\n$var wire 1 ! clk $end\n" +
                                          $"$var wire {width} \" big $end\n$upscope $end\n$enddefinitions $end\n#0\n0!\n#5\n1!\n";
        b.Add("wave diff", "wave-width-2-31", "`wave diff` of a VCD declaring `$var wire 2147483648`", ExitCodes.Usage,
            "$var \"big\" declares 2,147,483,648 bits; attnlego reads at most 16,777,216 bits per signal", "leave this signal out of the dump",
            s => ["wave", "diff", s.Write("in/a.vcd", TinyVcd), s.Write("in/b.vcd", Declaring("2147483648"))]);
        b.Add("wave diff", "wave-width-int-max", "`wave diff` of a VCD declaring `$var wire 2147483647` (2^31 - 1)", ExitCodes.Usage,
            "declares 2,147,483,647 bits", "leave this signal out of the dump",
            s => ["wave", "diff", s.Write("in/a.vcd", TinyVcd), s.Write("in/b.vcd", Declaring("2147483647"))]);
        b.Add("wave show", "wave-width-past-limit", "`wave show` of a VCD declaring one bit more than 2^24", ExitCodes.Usage,
            "declares 16,777,217 bits; attnlego reads at most 16,777,216", "or dump it in slices",
            s => ["wave", "show", s.Write("in/b.vcd", Declaring("16777217")), "--signals", "*"]);
        b.Add("wave diff", "wave-word-too-long", "`wave diff` of a 20 MB VCD line without a space", ExitCodes.Usage,
            "a word of more than 16,777,217 characters (\"b0101010101", "check that this is a VCD file",
            s => ["wave", "diff", s.Write("in/a.vcd", TinyVcd), s.Write("in/b.vcd", TinyVcd + "b" + new string('0', 1) + string.Concat(Enumerable.Repeat("10", 10_000_000)))]);
        b.Add("wave diff", "wave-too-many-variables", "`wave diff` of a VCD declaring 1,048,577 variables", ExitCodes.Usage,
            "it declares more than 1,048,576 variables, the most attnlego reads from one wave file", "dump fewer signals",
            s => ["wave", "diff", s.Write("in/a.vcd", TinyVcd), s.Path("in", "b.vcd")], setup: s => ManyVariables(s.Path("in", "b.vcd"), (1 << 20) + 1));
        b.Add("wave diff", "wave-scopes-nested-too-deep", "`wave diff` of a VCD nesting three scopes of 60,000 characters each", ExitCodes.Usage,
            "scopes nested 2 deep whose path is 120,002 characters long; hierarchical names are read up to 65,536", "check that this is a VCD file",
            s => ["wave", "diff", s.Write("in/a.vcd", TinyVcd), s.Path("in", "b.vcd")], setup: s => File.WriteAllText(s.Path("in", "b.vcd"),
                "$timescale 1ns $end\n" + string.Concat(Enumerable.Repeat($"$scope module {new string('s', 60_000)} $end\n", 3)) +
                "$var wire 1 ! clk $end\n"));
        b.Add("wave diff", "wave-control-characters", "`wave diff` of a VCD whose size field holds ESC and control bytes", ExitCodes.Usage,
            "expected a positive variable size, found \"\\x1B[31m\\x01\\x02\"", "the file is not a valid VCD",
            s => ["wave", "diff", s.Write("in/a.vcd", TinyVcd), s.Write("in/b.vcd", Declaring("\u001b[31m\u0001\u0002"))]);
    }

    private const string TinyVcd = "$timescale 1ns $end\n$scope module tb $end\n$var wire 1 ! clk $end\n$var wire 8 \" count [7:0] $end\n$upscope $end\n$enddefinitions $end\n" +
                                   "#0\n0!\nb0 \"\n#5\n1!\n#10\n0!\nb1 \"\n#15\n1!\n#20\n0!\n";

    /// <summary>
    /// A signal case: a real process signalled at <paramref name="moment"/>; besides the common assertions, <paramref name="check"/>,
    /// nothing in the temp folder (TMPDIR points into the sandbox), and the same command run again without a signal passes.
    /// </summary>
    private static void Signal(HostileCatalogueBuilder b, string command, string id, string input, PosixSignal signal, Func<Sandbox, string[]> args,
        Moment moment, Action<Sandbox>? setup = null, Func<string, bool>? mayLeave = null, Action<Sandbox, CliRun>? check = null, Func<Task>? needs = null,
        Func<Sandbox, (string, string)[]>? env = null)
    {
        var name = signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
        var exit = signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
        // Temporary files land in the sandbox, where the common check sees any left behind (the runtime's diagnostics socket is off).
        (string, string)[] Env(Sandbox s) => [("TMPDIR", s.Path("tmp")), ("DOTNET_EnableDiagnostics", "0"), .. env?.Invoke(s) ?? []];
        b.Add(command, id, input, exit, $"interrupted: attnlego {command} stopped on {name}", $"(exit {exit})",
            s =>
            {
                moment.Start(id, name);
                return args(s);
            },
            setup: s =>
            {
                needs?.Invoke().GetAwaiter().GetResult(); // a real tool: ignored where it is missing, a failure under CI
                Directory.CreateDirectory(s.Path("tmp"));
                setup?.Invoke(s);
            },
            env: Env, mayLeave: mayLeave,
            check: async (s, run) =>
            {
                Assert.That(run.Signalled, Is.True, $"the signal was sent ({moment.Describe()})");
                check?.Invoke(s, run);
                // The same command again, without a signal, on what the interrupted run left: it must pass.
                var again = await CliProcess.RunAsync(args(s), new ProcessOptions
                {
                    WorkingDirectory = s.Cwd,
                    Environment = Env(s),
                    Limit = TimeSpan.FromMinutes(10),
                });
                Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.Ok), "the next run of the same command passes\n" + again.Out + again.Err);
                Assert.That(Directory.GetFileSystemEntries(s.Path("tmp")), Is.Empty, "the next run leaves nothing in the temp folder either");
            },
            process: new ProcessOptions
            {
                Signal = signal,
                When = moment.Ready,
                WhenProcess = moment.ReadyProcess,
                Limit = TimeSpan.FromMinutes(10),
            });
    }

    /// <summary>
    /// A random moment of a run: once <paramref name="anchor"/> holds, a delay drawn in [<paramref name="min"/>,
    /// <paramref name="max"/>] seconds, then the first poll at which <paramref name="at"/> holds; or (<see cref="Cpu"/>) the
    /// first poll after the command's process has used an amount of CPU time drawn in that range.
    /// </summary>
    private sealed class Moment(string anchorText, Func<IReadOnlyList<ProcessInfo>, string, bool>? anchor, double min, double max,
        Func<IReadOnlyList<ProcessInfo>, string, bool>? at = null)
    {
        public const string SeedVariable = "ATTNLEGO_SIGNAL_SEED";

        /// <summary>The seed of this test run: <see cref="SeedVariable"/>, else a fresh one (printed by every case).</summary>
        public static int Seed { get; } = int.TryParse(System.Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? s : Random.Shared.Next(1, int.MaxValue);

        private TimeSpan _draw;
        private Stopwatch? _since;

        /// <summary>Once the command's process has used between <paramref name="min"/> and <paramref name="max"/> s of CPU time.</summary>
        public static Moment Cpu(double min, double max) => new("the start, in CPU time of the command", null, min, max);

        /// <summary>Draws this run's delay (from the seed and the case id) and prints it with the replay line.</summary>
        public void Start(string id, string signal)
        {
            var random = new Random(Seed ^ id.Aggregate(17, (h, c) => unchecked((h * 31) + c)));
            _draw = TimeSpan.FromSeconds(min + (random.NextDouble() * (max - min)));
            _since = null;
            TestContext.Out.WriteLine($"[signal] {id}: {signal} {Describe()}; seed {Seed}. Replay: {SeedVariable}={Seed} " +
                                      $"dotnet test tests/AttentionLego.Tests -c Release --filter \"FullyQualifiedName~{id}\"");
        }

        public string Describe() => $"{_draw.TotalSeconds:0.000} s after {anchorText}" + (at is null ? "" : ", at a poll where it still runs");

        public bool Ready(IReadOnlyList<ProcessInfo> family, string output)
        {
            if (anchor is null)
            {
                return true; // a CPU-time moment: ReadyProcess decides
            }

            if (_since is null)
            {
                if (anchor(family, output))
                {
                    _since = Stopwatch.StartNew();
                }

                return false;
            }

            return _since.Elapsed >= _draw && (at is null || at(family, output));
        }

        public bool ReadyProcess(int pid)
        {
            if (anchor is not null)
            {
                return true;
            }

            try
            {
                using var process = Process.GetProcessById(pid);
                return process.TotalProcessorTime >= _draw;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                return false; // gone: the run ended before the moment
            }
        }
    }

    /// <summary>The stand-in and the child it started are gone, killed by the time limit.</summary>
    private static Task CheckHungGone(Sandbox s, CliRun run)
    {
        var pids = File.ReadAllLines(s.Path("tools", "hung.pids")).Where(l => l.Length > 0).Select(int.Parse).ToList();
        Assert.That(pids, Has.Count.GreaterThanOrEqualTo(2), "the hung tool and its child");
        Assert.That(pids.Where(p => !Processes.WaitGone(p, TimeSpan.FromSeconds(5))), Is.Empty, "killed, not left running");
        return Task.CompletedTask;
    }

    private static void NoFiles(string folder) =>
        Assert.That(Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [], Is.Empty, $"no file left below {folder}");

    private static void NoneStartsWith(string folder, string prefix) =>
        Assert.That(Directory.GetFileSystemEntries(folder).Select(Path.GetFileName), Has.None.StartsWith(prefix), $"nothing named {prefix}* in {folder}");

    /// <summary>A VCD of about <paramref name="bytes"/>: a clock and 64 32-bit signals that change every cycle.</summary>
    public static void BigVcd(string path, long bytes)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("$timescale 1ns $end\n$scope module tb $end\n$var wire 1 ! clk $end\n");
        var ids = Enumerable.Range(0, 64).Select(i => ((char)('#' + i)).ToString()).ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            writer.Write($"$var wire 32 {ids[i]} s{i} [31:0] $end\n");
        }

        writer.Write("$upscope $end\n$enddefinitions $end\n");
        var random = new Random(1);
        var bits = new char[32];
        for (long t = 0; writer.BaseStream.Length < bytes; t++)
        {
            writer.Write($"#{2 * t}\n0!\n");
            foreach (var id in ids)
            {
                var value = (uint)random.Next();
                for (var k = 0; k < 32; k++)
                {
                    bits[k] = (char)('0' + ((value >> (31 - k)) & 1));
                }

                writer.Write('b');
                writer.Write(bits);
                writer.Write(' ');
                writer.Write(id);
                writer.Write('\n');
            }

            writer.Write($"#{(2 * t) + 1}\n1!\n");
        }
    }

    private static void ManyVariables(string path, int count)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        writer.Write("$timescale 1ns $end\n$scope module tb $end\n");
        for (var i = 0; i < count; i++)
        {
            writer.Write($"$var wire 1 v{i} s{i} $end\n");
        }

        writer.Write("$upscope $end\n$enddefinitions $end\n#0\n");
    }
}
