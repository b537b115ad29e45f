using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AttentionLego.Cli;
using AttentionLego.Cosim.Tools;
using AttentionLego.Cosim.Waves;
using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cli;

/// <summary>
/// The catalogue of hostile inputs (issue 7, part 2): every bad input a command takes gives a clear message that names
/// the problem and the fix, its documented exit code, no stack trace and no partial output. docs/CLI.md, "Hostile
/// inputs", lists the same ids and exit codes; <see cref="The_docs_table_lists_the_catalogue"/> keeps the two equal.
/// </summary>
public sealed partial class HostileInputTests
{
    public static IReadOnlyList<HostileCase> Catalogue { get; } = BuildCatalogue();

    /// <summary>The catalogue as test cases, those that start a program in <see cref="Tier.Tools"/>.</summary>
    private static IEnumerable<TestCaseData> Cases() =>
        Catalogue.Select(c => c.StartsTools ? new TestCaseData(c).SetCategory(Tier.Tools) : new TestCaseData(c));

    [TestCaseSource(nameof(Cases))]
    public async Task A_hostile_input_is_refused_cleanly(HostileCase c)
    {
        using var sandbox = new Sandbox();
        c.Setup?.Invoke(sandbox);
        var args = c.Args(sandbox);
        var environment = c.Environment?.Invoke(sandbox) ?? [];
        var before = Snapshot.Of(sandbox.Root);
        var cwdBefore = Directory.GetFileSystemEntries(Directory.GetCurrentDirectory()).Order().ToList();
        CliRun run;
        if (c.Process is { } process)
        {
            // A real process: signals, exit codes as the shell sees them, default paths below the sandbox's cwd/.
            run = await CliProcess.RunAsync(args, process with
            {
                WorkingDirectory = sandbox.Cwd,
                Environment = [.. process.Environment, .. environment],
            });
        }
        else
        {
            run = await Attnlego(args);
        }

        var text = run.Out + run.Err;
        Assert.Multiple(() =>
        {
            Assert.That(run.ExitCode, Is.EqualTo(c.ExitCode), "exit code");
            Assert.That(run.Err, Does.Contain(c.Problem), "the message names the problem");
            Assert.That(run.Err, Does.Contain(c.Fix), "the message names the fix");
            Assert.That(run.Err, Does.StartWith(c.Process?.Signal is null ? "error:" : "interrupted:").Or.StartWith("error:"), "messages start with error: (interrupted: after a signal)");
            Assert.That(run.Descendants.Where(p => !Processes.WaitGone(p, TimeSpan.FromSeconds(2))), Is.Empty, "no process outlives the command");
            if (run.Signalled)
            {
                Assert.That(run.StopTime, Is.LessThan(TimeSpan.FromSeconds(2)), "stopped within 2 s of the signal");
                Assert.That(run.Err.Trim().Split('\n'), Has.Length.EqualTo(1), "one line on stderr after a signal");
            }
            Assert.That(StackTrace.Find(text), Is.Null, "no stack trace");
            Assert.That(Snapshot.Differences(before, Snapshot.Of(sandbox.Root), c.MayLeave), Is.Empty, "no partial output");
            Assert.That(Directory.GetFileSystemEntries(Directory.GetCurrentDirectory()).Order(), Is.EqualTo(cwdBefore), "nothing in the current folder");
        });
        if (c.Check is { } check)
        {
            await check(sandbox, run);
        }
    }

    [Test]
    public void The_catalogue_has_at_least_30_distinct_cases_covering_every_command_that_takes_input()
    {
        Assert.That(Catalogue, Has.Count.GreaterThanOrEqualTo(30));
        Assert.That(Catalogue.Select(c => c.Id), Is.Unique);
        var commands = Catalogue.Select(c => c.Command).ToHashSet();
        Assert.That(commands, Is.SupersetOf(new[]
        {
            "generate", "config validate", "config show", "lint", "cosim", "regress", "regress merge", "accuracy", "report", "wave diff", "wave show", "faults draw", "faults sweep",
        }));
        Assert.That(Catalogue.Select(c => c.ExitCode).ToHashSet(), Is.SupersetOf(new[]
        {
            ExitCodes.Usage, ExitCodes.InvalidConfig, ExitCodes.OutputError, ExitCodes.ToolMissing, ExitCodes.ToolFailed, ExitCodes.Timeout,
        }));
    }

    [Test]
    public void Every_validator_rule_has_a_case()
    {
        // One message shape per rule of ConfigValidator; each must be provoked by a case of its own.
        string[] rules =
        [
            "it must be between", "it must be a power of two, from 2 to", "it must be a power of two, at most Pim.Rows",
            "it must be a power of two, at most Pim.Cols", "bits of macro input", "bits of ADC output", "the Q/K/V matrices stack macros along d_model",
            "the Q/K/V matrices place d_head outputs", "the score array (K cache) stacks macros", "the K cache holds one token per macro column",
            "the V cache holds one token per macro row", "W_O places d_model outputs", "it must be between 1 and Format.DataWidth",
            "which does not divide Format.DataWidth", "which does not divide Softmax.ProbBits", "(the column sum has", "it must not be negative",
            "it must be a power of two from 8 to 1024", "a bus beat must carry whole activations", "a bus beat must carry whole weights",
            "an output vector", "a token (Model.DModel", "a weight matrix", "it must be a power of two from 2 to 64", "finer than the scores themselves",
            "it must be a power of two from 1 to 64", "which does not divide Model.MaxSeqLen",
            "it must be from 0 to", "there is no W_O", "rows (numbered from 0)", "columns (numbered from 0)", "bits (numbered from 0)",
            "a bit is stuck at 0 or at 1", "sticks the bit that", "macro(s) tall (numbered from 0)",
            "that the bus's 32-bit byte addresses reach", "the co-simulation bench's memory holds",
        ];
        Assert.That(rules.Where(r => !Catalogue.Any(c => c.Problem.Contains(r, StringComparison.Ordinal))), Is.Empty);
    }

    [Test]
    public void The_docs_table_lists_the_catalogue()
    {
        var doc = File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "CLI.md"));
        var differences = DocTable.Differences(DocTable.Parse(doc), Catalogue);
        Assert.That(differences, Is.Empty, "docs/CLI.md \"Hostile inputs\" and the catalogue differ; the table from the catalogue:\n" + DocTable.Render(Catalogue));
    }

    [Test]
    public void The_docs_check_sees_a_missing_row_and_a_wrong_exit_code()
    {
        var doc = "# x\n\n## Hostile inputs\n\n" + DocTable.Render(Catalogue) + "\n## Next\n\n| `not-a-case` | x | 9 | x |\n";
        Assert.That(DocTable.Differences(DocTable.Parse(doc), Catalogue), Is.Empty, "the rendered table matches, and rows after the section do not count");
        var first = Catalogue[0];
        var lines = doc.Split('\n').ToList();
        var row = lines.FindIndex(l => l.StartsWith($"| `{first.Id}` |", StringComparison.Ordinal));
        lines.RemoveAt(row);
        Assert.That(DocTable.Differences(DocTable.Parse(string.Join('\n', lines)), Catalogue), Has.Some.Contains(first.Id));
        var wrong = doc.Replace($"| `{first.Id}` | ", $"| `{first.Id}` | ", StringComparison.Ordinal)
            .Split('\n').Select(l => l.StartsWith($"| `{first.Id}` |", StringComparison.Ordinal) ? Regex.Replace(l, @"\| \d+ \|", "| 99 |") : l);
        Assert.That(DocTable.Differences(DocTable.Parse(string.Join('\n', wrong)), Catalogue), Has.Some.Contains("99"));
    }

    [Test]
    public void The_stack_trace_check_sees_one()
    {
        string trace;
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException ex)
        {
            trace = ex.ToString();
        }

        Assert.That(StackTrace.Find("error: something\n" + trace), Is.Not.Null);
        Assert.That(StackTrace.Find("Unhandled exception. System.IO.IOException: disk"), Is.Not.Null);
        Assert.That(StackTrace.Find("error: Model.DModel: is 0; it must be between 1 and 65536. Fix: set it at least to 1."), Is.Null);
    }

    [Test]
    public void The_partial_output_check_sees_a_new_a_changed_and_a_removed_file()
    {
        using var sandbox = new Sandbox();
        sandbox.Write("in/a.txt", "a");
        sandbox.Write("in/b.txt", "b");
        var before = Snapshot.Of(sandbox.Root);
        Assert.That(Snapshot.Differences(before, Snapshot.Of(sandbox.Root), null), Is.Empty);
        sandbox.Write("in/a.txt", "changed");
        File.Delete(sandbox.Path("in", "b.txt"));
        Directory.CreateDirectory(sandbox.Path("out", ".staging"));
        var differences = Snapshot.Differences(before, Snapshot.Of(sandbox.Root), null);
        Assert.That(differences, Has.Some.Contains("in/a.txt").And.Some.Contains("in/b.txt").And.Some.Contains("out/.staging"));
        Assert.That(Snapshot.Differences(before, Snapshot.Of(sandbox.Root), p => p.StartsWith("in/", StringComparison.Ordinal) || p.StartsWith("out", StringComparison.Ordinal)), Is.Empty,
            "paths a case may leave are not differences");
    }

    [Test]
    public void The_process_check_sees_a_running_process_and_a_killed_one()
    {
        using var process = System.Diagnostics.Process.Start("sleep", "30");
        Assert.That(Processes.IsGone(process.Id), Is.False);
        process.Kill();
        process.WaitForExit();
        Assert.That(Processes.IsGone(process.Id), Is.True);
    }

    private static List<HostileCase> BuildCatalogue()
    {
        // Issue 16's classes, one file each (HostileCases.*.cs), so that their authors never edit the same lines.
        var catalogue = new HostileCatalogueBuilder();
        AddFirstCatalogue(catalogue);
        HostileCases.Ownership(catalogue);
        HostileCases.Cache(catalogue);
        HostileCases.ComparedNothing(catalogue);
        HostileCases.Bounds(catalogue);
        HostileCases.Signals(catalogue);
        HostileCases.Shapes(catalogue);
        return catalogue.Cases;
    }

    /// <summary>The catalogue of issue 7 (in-process runs).</summary>
    private static void AddFirstCatalogue(HostileCatalogueBuilder catalogue)
    {
        const string Vcd = "$timescale 1ns $end\n$scope module tb $end\n$var wire 1 ! clk $end\n$var wire 8 \" count [7:0] $end\n$upscope $end\n$enddefinitions $end\n" +
                           "#0\n0!\nb0 \"\n#5\n1!\n#10\n0!\nb1 \"\n#15\n1!\n#20\n0!\n";
        const string FakeVersion = "echo \"Verilator 5.006 2023-01-22 rev (hostile-input stand-in)\"";
        void Add(string command, string id, string input, int exit, string problem, string fix, Func<Sandbox, string[]> args,
            Action<Sandbox>? setup = null, Func<Sandbox, (string, string)[]>? env = null, Func<string, bool>? mayLeave = null, Func<Sandbox, CliRun, Task>? check = null) =>
            catalogue.Add(command, id, input, exit, problem, fix, args, setup, env, mayLeave, check);

        // Every rule of ConfigValidator, provoked on tiny by --set and named by its message.
        void Rule(string id, string problem, string fix, params string[] sets) =>
            Add("config validate", id, $"`config validate {string.Join(' ', sets.Select(s => "--set " + s))}`", ExitCodes.InvalidConfig, problem, fix,
                _ => ["config", "validate", "--preset", "tiny", .. sets.SelectMany(s => new[] { "--set", s })]);

        Rule("rule-data-width-range", "Format.DataWidth: is 1; it must be between 2 and 16.", "set Format.DataWidth to a value in [2, 16]", "Format.DataWidth=1");
        Rule("rule-weight-width-range", "Format.WeightWidth: is 17; it must be between 2 and 16.", "set Format.WeightWidth to a value in [2, 16]", "Format.WeightWidth=17");
        Rule("rule-heads-range", "Model.Heads: is 65; it must be between 1 and 64.", "set Model.Heads to a value in [1, 64]", "Model.Heads=65");
        Rule("rule-dmodel-range", "Model.DModel: is 0; it must be between 1 and 65536.", "set Model.DModel to a value in [1, 65536]", "Model.DModel=0");
        Rule("rule-dhead-range", "Model.DHead: is 2048; it must be between 1 and 1024.", "set Model.DHead to a value in [1, 1024]", "Model.DHead=2048");
        Rule("rule-maxseqlen-range", "Model.MaxSeqLen: is 0; it must be between 1 and 65536.", "set Model.MaxSeqLen to a value in [1, 65536]", "Model.MaxSeqLen=0");
        Rule("rule-rows-power-of-two", "Pim.Rows: is 100; it must be a power of two, from 2 to 1024.", "set Pim.Rows to a power of two such as 64", "Pim.Rows=100");
        Rule("rule-input-lanes-at-most-rows", "Pim.InputLanes: is 32; it must be a power of two, at most Pim.Rows (16).", "set Pim.InputLanes to a power of two such as 16", "Pim.InputLanes=32");
        Rule("rule-adc-count-power-of-two", "Pim.AdcCount: is 3; it must be a power of two, at most Pim.Cols (16).", "set Pim.AdcCount to a power of two such as 2", "Pim.AdcCount=3");
        Rule("rule-macro-input-bus", "Pim.InputLanes: times Pim.SliceBits is 8192 bits of macro input; at most 4096 are supported.", "use fewer input lanes or narrower slices",
            "Pim.Rows=1024", "Pim.InputLanes=1024", "Pim.SliceBits=8");
        Rule("rule-adc-bus", "Pim.AdcCount: times Pim.AdcBits is 14336 bits of ADC output; at most 4096 are supported.", "use fewer ADCs or narrower ones",
            "Pim.Cols=1024", "Pim.AdcCount=1024");
        Rule("rule-dmodel-multiple-of-rows", "Model.DModel: is 72, not a multiple of Pim.Rows (16): the Q/K/V matrices stack macros along d_model.",
            "set Model.DModel to a multiple of 16 (e.g. 64 or 80)", "Model.DModel=72");
        Rule("rule-dhead-multiple-of-cols", "Model.DHead: is 16, not a multiple of Pim.Cols (32): the Q/K/V matrices place d_head outputs across macro columns.",
            "set Model.DHead to a multiple of 32", "Pim.Cols=32");
        Rule("rule-dhead-multiple-of-rows", "Model.DHead: is 16, not a multiple of Pim.Rows (32): the score array (K cache) stacks macros along d_head.",
            "set Model.DHead to a multiple of 32", "Pim.Rows=32");
        Rule("rule-maxseqlen-multiple-of-cols", "Model.MaxSeqLen: is 24, not a multiple of Pim.Cols (16): the K cache holds one token per macro column.",
            "set Model.MaxSeqLen to a multiple of 16", "Pim.Rows=8", "Model.MaxSeqLen=24");
        Rule("rule-maxseqlen-multiple-of-rows", "Model.MaxSeqLen: is 24, not a multiple of Pim.Rows (16): the V cache holds one token per macro row.",
            "set Model.MaxSeqLen to a multiple of 16", "Pim.Cols=8", "Model.MaxSeqLen=24");
        Rule("rule-wo-dmodel-multiple-of-cols", "Model.DModel: is 48, not a multiple of Pim.Cols (32): W_O places d_model outputs across macro columns.",
            "set Model.DModel to a multiple of 32", "Model.OutputProjection=true", "Pim.Cols=32", "Model.DHead=32", "Model.DModel=48");
        Rule("rule-slice-range", "Pim.SliceBits: is 9; it must be between 1 and Format.DataWidth (8).", "use a slice width that divides Format.DataWidth", "Pim.SliceBits=9");
        Rule("rule-slice-divides-data", "Pim.SliceBits: is 3, which does not divide Format.DataWidth (8)", "use a divisor of 8: 1, 2, 4, 8", "Pim.SliceBits=3");
        Rule("rule-slice-divides-prob", "Pim.SliceBits: is 4, which does not divide Softmax.ProbBits (6)", "use a slice width that divides both Format.DataWidth and Softmax.ProbBits",
            "Softmax.ProbBits=6");
        Rule("rule-adc-bits-range", "Pim.AdcBits: is 1; it must be between 2 and 32.", "set Pim.AdcBits to a value in [2, 32]", "Pim.AdcBits=1");
        Rule("rule-adc-shift-range", "Pim.AdcShift: is 40; it must be between 0 and 13 (the column sum has 14 bits).", "use 0 for an ideal ADC", "Pim.AdcShift=40");
        Rule("rule-adc-shift-negative", "Pim.AdcShift: is -1; it must not be negative.", "use 0 for an ideal ADC", "Pim.Rows=3", "Pim.AdcShift=-1");
        Rule("rule-bus-power-of-two", "Bus.DataWidth: is 48; it must be a power of two from 8 to 1024.", "use 32, 64 or 128", "Bus.DataWidth=48");
        Rule("rule-bus-whole-activations", "Bus.DataWidth: is 8, not a multiple of Format.DataWidth (16); a bus beat must carry whole activations.",
            "use a bus width that is a multiple of the data width", "Format.DataWidth=16", "Bus.DataWidth=8");
        Rule("rule-bus-whole-weights", "Bus.DataWidth: is 8, not a multiple of Format.WeightWidth (16); a bus beat must carry whole weights.",
            "use a bus width that is a multiple of the weight width", "Format.WeightWidth=16", "Bus.DataWidth=8");
        Rule("rule-bus-whole-output-vector", "Bus.DataWidth: is 256; an output vector (Model.DHead x Format.DataWidth = 128 bits) must be whole bus words.",
            "use a bus width that divides Model.DHead x Format.DataWidth", "Bus.DataWidth=256");
        Rule("rule-bus-whole-token", "Bus.DataWidth: is 256; a token (Model.DModel x Format.DataWidth = 384 bits) must be whole bus words.",
            "use a bus width that divides Model.DModel x Format.DataWidth", "Bus.DataWidth=256", "Model.DHead=32", "Model.DModel=48");
        Rule("rule-bus-whole-weight-matrix", "Bus.DataWidth: is 32; a weight matrix (Model.DModel x Model.DHead x Format.WeightWidth bits) must be whole bus words.",
            "use a bus width that divides the weight matrix's bits", "Pim.Rows=2", "Pim.Cols=2", "Pim.InputLanes=2", "Pim.AdcCount=2", "Model.DModel=2", "Model.DHead=2",
            "Format.DataWidth=16", "Format.WeightWidth=2");
        Rule("rule-max-outstanding", "Bus.MaxOutstanding: is 3; it must be a power of two from 2 to 64.", "use at least the memory latency plus one", "Bus.MaxOutstanding=3");
        Rule("rule-quant-shift-range", "Quant.QShift: is 49; it must be between 0 and 48.", "set Quant.QShift to a value in [0, 48]", "Quant.QShift=49");
        Rule("rule-score-shift-range", "Softmax.ScoreShift: is -1; it must be between 0 and 48.", "set Softmax.ScoreShift to a value in [0, 48]", "Softmax.ScoreShift=-1");
        Rule("rule-lut-addr-bits-range", "Softmax.LutAddrBits: is 13; it must be between 2 and 12.", "set Softmax.LutAddrBits to a value in [2, 12]", "Softmax.LutAddrBits=13");
        Rule("rule-exp-bits-range", "Softmax.ExpBits: is 1; it must be between 2 and 24.", "set Softmax.ExpBits to a value in [2, 24]", "Softmax.ExpBits=1");
        Rule("rule-prob-bits-range", "Softmax.ProbBits: is 17; it must be between 2 and 16.", "set Softmax.ProbBits to a value in [2, 16]", "Softmax.ProbBits=17");
        Rule("rule-lut-frac-bits-range", "Softmax.LutFracBits: is 17; it must be between 0 and 16.", "set Softmax.LutFracBits to a value in [0, 16]", "Softmax.LutFracBits=17");
        Rule("rule-lut-frac-finer-than-scores", "Softmax.LutFracBits: is 13, finer than the scores themselves (Softmax.ScoreShift is 12)",
            "use Softmax.LutFracBits at most Softmax.ScoreShift", "Softmax.LutFracBits=13");
        Rule("rule-lanes-power-of-two", "Softmax.Lanes: is 3; it must be a power of two from 1 to 64.", "use 4, 16 or 32", "Softmax.Lanes=3");
        Rule("rule-lanes-divide-maxseqlen", "Softmax.Lanes: is 64, which does not divide Model.MaxSeqLen (32)", "use a power of two that divides Model.MaxSeqLen", "Softmax.Lanes=64");

        // Configuration files and --set: structure before rules.
        void ConfigFile(string id, string input, string problem, string fix, Func<string, string> edit) =>
            Add("config validate", id, input, ExitCodes.InvalidConfig, problem, fix, s => ["config", "validate", "--config", s.TinyConfig("c.json", edit)]);

        ConfigFile("json-malformed", "a config file with `,,` in an object", "c.json: malformed JSON at line 3, position", "fix the JSON syntax",
            t => t.Replace("\"DModel\": 64,", "\"DModel\": 64,,", StringComparison.Ordinal));
        ConfigFile("json-truncated", "a config file cut off halfway", "the text ends before the JSON is complete (a truncated file?).", "complete the file (every { and [ needs its closing } and ])", t => t[..(t.Length / 2)]);
        ConfigFile("json-empty", "an empty config file", "c.json: malformed JSON: the file is empty.", "write a configuration into it", _ => "");
        ConfigFile("json-top-level-array", "a config file holding an array", "c.json: the top level is not a JSON object.", "write the configuration as { \"Model\": { ... }, ... }", _ => "[1, 2]");
        ConfigFile("json-string-for-number", "`\"DModel\": \"64\"`", "Model.DModel: must be a whole number, not the string \"64\".", "write an integer such as 16",
            t => t.Replace("\"DModel\": 64", "\"DModel\": \"64\"", StringComparison.Ordinal));
        ConfigFile("json-fraction-for-integer", "`\"DModel\": 64.5`", "Model.DModel: must be a whole number, not the number 64.5.", "write an integer such as 16",
            t => t.Replace("\"DModel\": 64", "\"DModel\": 64.5", StringComparison.Ordinal));
        ConfigFile("json-number-too-big", "`\"DModel\": 99999999999`", "Model.DModel: must be a whole number, not the number 99999999999.", "write an integer such as 16",
            t => t.Replace("\"DModel\": 64", "\"DModel\": 99999999999", StringComparison.Ordinal));
        ConfigFile("json-array-for-object", "`\"Format\": [8, 8]`", "Format: must be an object (a section), not an array.", "write { \"DataWidth\": ..., \"WeightWidth\": ... }",
            t => Regex.Replace(t, "\"Format\": \\{[^}]*\\}", "\"Format\": [8, 8]"));
        ConfigFile("json-number-for-bool", "`\"OutputProjection\": 1`", "Model.OutputProjection: must be true or false, not the number 1.", "write true or false",
            t => t.Replace("\"OutputProjection\": false", "\"OutputProjection\": 1", StringComparison.Ordinal));
        ConfigFile("json-unknown-enum", "`\"Mode\": \"Fast\"`", "Softmax.Mode: must be one of Stable, Window, not the string \"Fast\".", "write one of Stable, Window",
            t => t.Replace("\"Mode\": \"Stable\"", "\"Mode\": \"Fast\"", StringComparison.Ordinal));
        ConfigFile("json-unknown-key", "a misspelt key `Headz`", "Model.Headz: is not a configuration key.", "known keys here: DModel, DHead",
            t => t.Replace("\"Heads\": 1,", "\"Heads\": 1,\n    \"Headz\": 1,", StringComparison.Ordinal));
        ConfigFile("json-missing-key", "`Model.Heads` left out", "Model.Heads: is missing.", "`attnlego config show --preset tiny` prints every key",
            t => t.Replace("\"Heads\": 1,", "", StringComparison.Ordinal));
        ConfigFile("json-duplicate-key", "`DModel` twice in `Model`", "Model.DModel: appears twice in the same object (again at line 4 of", "keep each key once",
            t => t.Replace("\"DModel\": 64,", "\"DModel\": 64,\n    \"DModel\": 128,", StringComparison.Ordinal));
        // PIM fault maps (the optional Faults section): every fault rule, and the list's structure.
        void FaultFile(string id, string input, string problem, string fix, string faults) =>
            ConfigFile(id, input, problem, fix, t => t.TrimEnd().TrimEnd('}').TrimEnd() + ",\n  \"Faults\": " + faults + "\n}\n");
        static string Stuck(string head = "0", string matrix = "Q", string row = "0", string col = "0", string bit = "0", string value = "1") =>
            $"{{ \"Head\": {head}, \"Matrix\": \"{matrix}\", \"Row\": {row}, \"Col\": {col}, \"Bit\": {bit}, \"Value\": {value} }}";
        FaultFile("rule-fault-head", "a stuck cell in head 1 of a one-head design", "Faults.StuckAt[0].Head: is 1; it must be from 0 to 0 (Model.Heads is 1).",
            "name an existing head", $"{{ \"StuckAt\": [ {Stuck(head: "1")} ] }}");
        FaultFile("rule-fault-no-wo", "a stuck cell in W_O of a design without it", "Faults.StuckAt[0].Matrix: is O, but Model.OutputProjection is false: there is no W_O.",
            "set Model.OutputProjection to true", $"{{ \"StuckAt\": [ {Stuck(matrix: "O")} ] }}");
        FaultFile("rule-fault-row", "a stuck cell below the last row of W_Q", "Faults.StuckAt[0].Row: is 64; the Q matrix (64x16) has 64 rows (numbered from 0).",
            "set Faults.StuckAt[0].Row to a value in [0, 63]", $"{{ \"StuckAt\": [ {Stuck(row: "64")} ] }}");
        FaultFile("rule-fault-col", "a stuck cell past the last column of W_Q", "Faults.StuckAt[0].Col: is 16; the Q matrix (64x16) has 16 columns (numbered from 0).",
            "set Faults.StuckAt[0].Col to a value in [0, 15]", $"{{ \"StuckAt\": [ {Stuck(col: "16")} ] }}");
        FaultFile("rule-fault-bit", "bit 8 of an 8-bit weight stuck", "Faults.StuckAt[0].Bit: is 8; a cell of Q holds 8 bits (numbered from 0).",
            "set Faults.StuckAt[0].Bit to a value in [0, 7]", $"{{ \"StuckAt\": [ {Stuck(bit: "8")} ] }}");
        FaultFile("rule-fault-value", "a bit stuck at 2", "Faults.StuckAt[0].Value: is 2; a bit is stuck at 0 or at 1.", "set Faults.StuckAt[0].Value to 0 or 1",
            $"{{ \"StuckAt\": [ {Stuck(value: "2")} ] }}");
        FaultFile("rule-fault-conflict", "one bit stuck at 0 and at 1", "Faults.StuckAt[1]: sticks the bit that Faults.StuckAt[0] sticks at 0 at 1.", "keep one of the two entries",
            $"{{ \"StuckAt\": [ {Stuck(value: "0")}, {Stuck(value: "1")} ] }}");
        FaultFile("rule-fault-macro-row", "a dead column in a macro row W_Q does not have", "Faults.DeadColumns[0].MacroRow: is 4; the Q matrix is 4 macro(s) tall (numbered from 0).",
            "set Faults.DeadColumns[0].MacroRow to a value in [0, 3]", "{ \"DeadColumns\": [ { \"Head\": 0, \"Matrix\": \"Q\", \"MacroRow\": 4, \"Col\": 0 } ] }");
        FaultFile("json-faults-not-a-list", "`\"StuckAt\": 3`", "Faults.StuckAt: must be an array (a list of { ... } entries), not the number 3.",
            "or leave Faults.StuckAt out", "{ \"StuckAt\": 3 }");
        FaultFile("json-fault-unknown-key", "a fault entry with `Rows` for `Row`", "Faults.StuckAt[0].Rows: is not a configuration key.", "known keys here: Head, Matrix, Row, Col, Bit, Value",
            "{ \"StuckAt\": [ { \"Head\": 0, \"Matrix\": \"Q\", \"Rows\": 0, \"Col\": 0, \"Bit\": 0, \"Value\": 1 } ] }");
        FaultFile("json-fault-unknown-matrix", "a fault in matrix `W`", "Faults.StuckAt[0].Matrix: must be one of Q, K, V, KCache, VCache, O, not the string \"W\".",
            "write one of Q, K, V, KCache, VCache, O", $"{{ \"StuckAt\": [ {Stuck(matrix: "W")} ] }}");
        Add("config show", "set-faults", "`config show --set Faults.StuckAt=1`", ExitCodes.InvalidConfig, "Faults: holds lists of entries, which --set cannot write.",
            "`attnlego faults draw` prints a configuration with one", _ => ["config", "show", "--set", "Faults.StuckAt=1"]);
        Add("faults sweep", "faults-bad-rate", "`faults sweep --rates 0,x`", ExitCodes.Usage, "--rates: 'x' is not a fault rate", "write probabilities from 0 to 1",
            _ => ["faults", "sweep", "--rates", "0,x"]);
        Add("faults draw", "faults-rate-missing", "`faults draw` without `--rate`", ExitCodes.Usage, "--rate", "see `attnlego --help`", _ => ["faults", "draw"]);
        Add("faults sweep", "faults-sweep-faulty-config", "`faults sweep` of a configuration that has faults", ExitCodes.InvalidConfig, "already holds a fault map (stuck-at bits: 1, dead ADC columns: 0)",
            "sweep the configuration without its Faults section",
            s => ["faults", "sweep", "--rates", "0", "--config", s.TinyConfig("f.json", t => t.TrimEnd().TrimEnd('}').TrimEnd() + ",\n  \"Faults\": { \"StuckAt\": [ " + Stuck() + " ] }\n}\n")]);

        Add("config validate", "config-missing", "`--config` naming no file", ExitCodes.InvalidConfig, "nope.json: does not exist.", "pass the path of a readable JSON file",
            s => ["config", "validate", "--config", s.Path("in", "nope.json")]);
        Add("config validate", "config-is-a-folder", "`--config` naming a folder", ExitCodes.InvalidConfig, "in: is a folder, not a JSON file.",
            "pass the path of the configuration file inside it", s => ["config", "validate", "--config", s.Path("in")]);
        Add("config show", "set-unknown-key", "`config show --set Pim.Foo=1`", ExitCodes.InvalidConfig, "Pim.Foo: is not a configuration key.", "known keys here: Rows, Cols",
            _ => ["config", "show", "--set", "Pim.Foo=1"]);
        Add("config show", "set-without-value", "`config show --set Pim.Rows`", ExitCodes.InvalidConfig, "--set Pim.Rows: is not of the form Path=value.", "write e.g. --set Pim.Rows=64",
            _ => ["config", "show", "--set", "Pim.Rows"]);
        Add("config show", "set-a-section", "`config show --set Pim=4`", ExitCodes.InvalidConfig, "Pim: is a section, not a value.", "set one of its keys, e.g. Pim.Rows=...",
            _ => ["config", "show", "--set", "Pim=4"]);
        Add("config show", "set-word-for-number", "`config show --set Model.DModel=abc`", ExitCodes.InvalidConfig, "Model.DModel: must be a whole number, not the string \"abc\".",
            "write an integer such as 16", _ => ["config", "show", "--set", "Model.DModel=abc"]);
        Add("config show", "preset-unknown", "`config show --preset huge`", ExitCodes.InvalidConfig, "--preset huge: is not a known preset.", "use one of: tiny, paper",
            _ => ["config", "show", "--preset", "huge"]);
        Add("config show", "preset-and-config", "`config show --preset tiny --config c.json`", ExitCodes.InvalidConfig, "--preset/--config: both were given.",
            "pass either --preset or --config, not both", s => ["config", "show", "--preset", "tiny", "--config", s.TinyConfig("c.json", t => t)]);
        Add("config show", "random-config-malformed", "`config show --random-config 1-3`", ExitCodes.InvalidConfig, "--random-config 1-3: is not of the form S:i.",
            "e.g. --random-config 1:3", _ => ["config", "show", "--random-config", "1-3"]);

        // generate: bad configuration and bad output folders, nothing written.
        Add("generate", "generate-invalid-config", "`generate --set Pim.Rows=100 --out out`", ExitCodes.InvalidConfig, "Pim.Rows: is 100; it must be a power of two",
            "set Pim.Rows to a power of two", s => ["generate", "--set", "Pim.Rows=100", "--out", s.Out]);
        Add("generate", "generate-unknown-option", "`generate --bogus`", ExitCodes.Usage, "--bogus", "see `attnlego --help`", s => ["generate", "--bogus", "--out", s.Out]);
        Add("generate", "generate-out-under-a-file", "`generate --out` below a plain file", ExitCodes.OutputError, "is a file, not a folder",
            "choose another --out (one whose parents are folders), or remove the file", s => ["generate", "--out", s.Path("in", "plain", "rtl")],
            setup: s => s.Write("in/plain", "x"));
        Add("generate", "generate-out-is-a-file", "`generate --out` naming a plain file", ExitCodes.OutputError, "plain is a file, not a folder.",
            "choose another --out, or remove the file", s => ["generate", "--out", s.Path("in", "plain")], setup: s => s.Write("in/plain", "x"));
        Add("generate", "generate-out-not-empty", "`generate --out` a folder that holds a file, without `--force`", ExitCodes.OutputError, "already exists and is not empty",
            "pass --force to replace it, or choose another --out", s => ["generate", "--out", s.Out], setup: s => s.Write("out/notes.txt", "mine"));
        Add("generate", "generate-force-foreign-folder", "`generate --force --out` a folder generate did not write", ExitCodes.OutputError,
            "was not written by attnlego generate (it lacks manifest.json)", "Remove it yourself or choose another --out", s => ["generate", "--out", s.Out, "--force"],
            setup: s => s.Write("out/notes.txt", "mine"));

        Add("generate", "generate-out-empty", "`generate --out \"\"`", ExitCodes.OutputError, "--out \"\" is not a folder path.", "pass a folder, e.g. --out build/out",
            _ => ["generate", "--out", ""]);

        // lint and cosim: tools missing, failing, hanging; bad options; bad folders.
        Add("lint", "lint-invalid-config", "`lint --set Softmax.Lanes=3`", ExitCodes.InvalidConfig, "Softmax.Lanes: is 3", "use 4, 16 or 32", _ => ["lint", "--set", "Softmax.Lanes=3"]);
        Add("lint", "lint-verilator-missing", "`lint` with `ATTNLEGO_VERILATOR=/nonexistent/verilator`", ExitCodes.ToolMissing,
            "verilator was not found: ATTNLEGO_VERILATOR=/nonexistent/verilator does not exist.", "run scripts/setup.sh", _ => ["lint"],
            env: _ => [(VerilatorDriver.OverrideVariable, "/nonexistent/verilator")]);
        Add("lint", "lint-verilator-crashes", "`lint` with a Verilator 5.006 stand-in that dies with no diagnostic", ExitCodes.ToolFailed,
            "--lint-only exited with 139 on al_pim_macro without a diagnostic:\n  Segmentation fault", "check the Verilator installation (scripts/setup.sh)", _ => ["lint"],
            env: s => [(VerilatorDriver.OverrideVariable, s.Script("verilator",
                $"if [ \"$1\" = \"--version\" ]; then {FakeVersion}; exit 0; fi\necho 'Segmentation fault' >&2\nexit 139\n"))]);
        string[] Cosim(Sandbox s, params string[] extra) => ["cosim", "--cache-dir", s.Cache, "--work-dir", s.Work, .. extra];
        Add("cosim", "cosim-unknown-module", "`cosim --module sofmax`", ExitCodes.Usage, "sofmax", "see `attnlego --help`", s => Cosim(s, "--module", "sofmax"));
        Add("cosim", "cosim-seed-zero", "`cosim --seed 0`", ExitCodes.Usage, "--seed must be at least 1.", "see `attnlego --help`", s => Cosim(s, "--module", "softmax", "--seed", "0"));
        Add("cosim", "cosim-seed-not-a-number", "`cosim --seed x`", ExitCodes.Usage, "'x'", "see `attnlego --help`", s => Cosim(s, "--module", "softmax", "--seed", "x"));
        Add("cosim", "cosim-seed-overflow", "`cosim --seed 2147483647 --seeds 2`", ExitCodes.Usage, "--seed + --seeds - 1 must not exceed 2147483647.", "see `attnlego --help`",
            s => Cosim(s, "--module", "softmax", "--seed", "2147483647", "--seeds", "2"));
        Add("cosim", "cosim-timeout-zero", "`cosim --timeout 0`", ExitCodes.Usage, "--timeout must be at least 1 second.", "see `attnlego --help`",
            s => Cosim(s, "--module", "softmax", "--timeout", "0"));
        Add("cosim", "cosim-too-many-tokens", "`cosim --module top --tokens 33` on tiny", ExitCodes.Usage, "--tokens 33 is more than the caches hold (Model.MaxSeqLen = 32",
            "use --tokens 1..32", s => Cosim(s, "--module", "top", "--tokens", "33"));
        Add("cosim", "cosim-whole-head-option", "`cosim --module qkv --stalls`", ExitCodes.Usage, "apply to --module top and array only", "drop them or use --module top or array",
            s => Cosim(s, "--module", "qkv", "--stalls"));
        Add("cosim", "cosim-bad-fault", "`cosim --inject-fault y@0`", ExitCodes.Usage, "--inject-fault 'y@0' is not PORT or PORT@N with N >= 1", "e.g. y_data_o@2",
            s => Cosim(s, "--module", "softmax", "--inject-fault", "y@0"));
        Add("cosim", "cosim-work-dir-under-a-file", "`cosim --work-dir` below a plain file", ExitCodes.OutputError, "--work-dir", "choose another --work-dir",
            s => ["cosim", "--module", "softmax", "--cache-dir", s.Cache, "--work-dir", s.Path("in", "plain", "w")], setup: s => s.Write("in/plain", "x"));
        Add("cosim", "cosim-cache-dir-under-a-file", "`cosim --cache-dir` below a plain file", ExitCodes.OutputError, "--cache-dir", "choose another --cache-dir",
            s => ["cosim", "--module", "softmax", "--cache-dir", s.Path("in", "plain", "c"), "--work-dir", s.Work], setup: s => s.Write("in/plain", "x"));
        Add("cosim", "cosim-work-dir-empty", "`cosim --work-dir \"\"`", ExitCodes.OutputError, "--work-dir \"\" is not a folder path.", "pass a folder, e.g. --work-dir build/out",
            s => ["cosim", "--module", "softmax", "--cache-dir", s.Cache, "--work-dir", ""]);
        Add("cosim", "cosim-invalid-config", "`cosim --set Pim.Rows=100` (with a stand-in Verilator)", ExitCodes.InvalidConfig, "Pim.Rows: is 100", "set Pim.Rows to a power of two",
            s => Cosim(s, "--module", "softmax", "--set", "Pim.Rows=100"),
            env: s => [(VerilatorDriver.OverrideVariable, s.Script("verilator", $"{FakeVersion}\nexit 0\n"))]);
        Add("cosim", "cosim-invalid-config-no-verilator", "`cosim --set Pim.Rows=100` with `ATTNLEGO_VERILATOR=/nonexistent/verilator`", ExitCodes.InvalidConfig,
            "Pim.Rows: is 100", "set Pim.Rows to a power of two", s => Cosim(s, "--module", "softmax", "--set", "Pim.Rows=100"),
            env: _ => [(VerilatorDriver.OverrideVariable, "/nonexistent/verilator")]);
        Add("cosim", "cosim-verilator-missing", "`cosim` with `ATTNLEGO_VERILATOR=/nonexistent/verilator`", ExitCodes.ToolMissing,
            "verilator was not found: ATTNLEGO_VERILATOR=/nonexistent/verilator does not exist.", "run scripts/setup.sh", s => Cosim(s, "--module", "softmax"),
            env: _ => [(VerilatorDriver.OverrideVariable, "/nonexistent/verilator")]);
        Add("cosim", "cosim-verilator-not-verilator", "`cosim` with `ATTNLEGO_VERILATOR=/bin/false`", ExitCodes.ToolFailed, "not a Verilator version",
            "point ATTNLEGO_VERILATOR or PATH at a real Verilator", s => Cosim(s, "--module", "softmax"), env: _ => [(VerilatorDriver.OverrideVariable, "/bin/false")]);
        Add("cosim", "cosim-verilator-too-old", "`cosim` with a Verilator that answers 4.038", ExitCodes.ToolMissing, "Verilator 4.038 2020-07-11 is older than the required 5.000",
            "install Verilator 5", s => Cosim(s, "--module", "softmax"),
            env: s => [(VerilatorDriver.OverrideVariable, s.Script("verilator", "echo \"Verilator 4.038 2020-07-11\"\n"))]);
        Add("cosim", "cosim-verilator-build-fails", "`cosim` with a Verilator 5.006 stand-in whose build fails", ExitCodes.ToolFailed,
            "verilator could not build al_tb_softmax (exit 1)", "run `attnlego lint` on the same config",
            s => Cosim(s, "--module", "softmax"),
            env: s => [(VerilatorDriver.OverrideVariable, s.Script("verilator",
                $"if [ \"$1\" = \"--version\" ]; then {FakeVersion}; exit 0; fi\necho '%Error: al_softmax.v:1:1: syntax error (stand-in)' >&2\nexit 1\n"))],
            check: CheckCacheEmpty);
        Add("cosim", "cosim-simulation-hangs", "`cosim --timeout 1` with a stand-in simulator that sleeps 600 s in a child process", ExitCodes.Timeout,
            "the simulation of softmax seed 1 did not finish within 1 s and was stopped.", "replay with: scripts/attnlego cosim --module softmax --preset tiny --seed 1",
            s => Cosim(s, "--module", "softmax", "--timeout", "1"),
            env: s => [(VerilatorDriver.OverrideVariable, s.Script("verilator", $$"""
                if [ "$1" = "--version" ]; then {{FakeVersion}}; exit 0; fi
                top=""; prev=""
                for a in "$@"; do [ "$prev" = "--top-module" ] && top="$a"; prev="$a"; done
                mkdir -p obj_dir
                printf '#!/bin/sh\necho $$ >> "%s"\nsleep 600 &\necho $! >> "%s"\nwait\n' "{{s.Path("tools", "sim.pids")}}" "{{s.Path("tools", "sim.pids")}}" > "obj_dir/V$top"
                chmod +x "obj_dir/V$top"

                """))],
            // The build is complete (a cache entry with its stamp); the case keeps its artifacts folder, which the message names.
            mayLeave: p => p.StartsWith("cache/", StringComparison.Ordinal) || p.StartsWith("work/", StringComparison.Ordinal) || p == "tools/sim.pids",
            check: CheckHangCleanup);

        // accuracy and report.
        Add("accuracy", "accuracy-too-many-tokens", "`accuracy --tokens 33` on tiny", ExitCodes.Usage, "--tokens 33 exceeds Model.MaxSeqLen (32) of tiny", "use --tokens 1..32",
            _ => ["accuracy", "--tokens", "33"]);
        Add("accuracy", "accuracy-tokens-not-a-number", "`accuracy --tokens many`", ExitCodes.Usage, "'many'", "see `attnlego --help`", _ => ["accuracy", "--tokens", "many"]);
        Add("accuracy", "accuracy-invalid-config", "`accuracy --set Quant.QShift=49`", ExitCodes.InvalidConfig, "Quant.QShift: is 49", "set Quant.QShift to a value in [0, 48]",
            _ => ["accuracy", "--set", "Quant.QShift=49"]);
        Add("report", "report-tokens-zero", "`report --tokens 0`", ExitCodes.Usage, "--tokens must be at least 1.", "see `attnlego --help`",
            s => ["report", "--no-yosys", "--tokens", "0", "--out", s.Out]);
        Add("report", "report-yosys-timeout-zero", "`report --yosys-timeout 0`", ExitCodes.Usage, "--yosys-timeout must be at least 1.", "see `attnlego --help`",
            s => ["report", "--yosys-timeout", "0", "--out", s.Out]);
        Add("report", "report-invalid-config", "`report --config` a truncated file", ExitCodes.InvalidConfig, "the text ends before the JSON is complete", "complete the file",
            s => ["report", "--no-yosys", "--config", s.TinyConfig("c.json", t => t[..40]), "--out", s.Out]);
        Add("report", "report-out-not-empty", "`report --out` a folder that holds a file, without `--force`", ExitCodes.OutputError, "already exists and is not empty",
            "pass --force to replace it", s => ["report", "--no-yosys", "--out", s.Out], setup: s => s.Write("out/notes.txt", "mine"));
        Add("report", "report-force-foreign-folder", "`report --force --out` a folder report did not write", ExitCodes.OutputError, "was not written by attnlego report",
            "Remove it yourself or choose another --out", s => ["report", "--no-yosys", "--force", "--out", s.Out], setup: s => s.Write("out/report.md", "mine"));
        Add("report", "report-out-under-a-file", "`report --out` below a plain file", ExitCodes.OutputError, "is a file, not a folder", "choose another --out",
            s => ["report", "--no-yosys", "--out", s.Path("in", "plain", "r")], setup: s => s.Write("in/plain", "x"));

        // regress: matrix files and folders.
        void Matrix(string id, string input, string problem, string fix, string text) =>
            Add("regress", id, input, ExitCodes.InvalidConfig, problem, fix,
                s => ["regress", "--matrix", s.Write("in/m.json", text), "--out", s.Out, "--cache-dir", s.Cache]);
        Matrix("matrix-malformed", "a matrix file cut off after its first entry", "m.json: malformed JSON at line 1", "complete the file",
            """{ "entries": [ { "preset": "tiny", "modules": ["softmax"] } """);
        Matrix("matrix-entries-not-array", "`\"entries\"` an object", "m.json: is not an object with an \"entries\" array.", "write { \"entries\": [",
            """{ "entries": { "preset": "tiny" } }""");
        Matrix("matrix-unknown-module", "a matrix naming module `sofmax`", "entries[0].modules: unknown module 'sofmax'", "Fix:",
            """{ "entries": [ { "preset": "tiny", "modules": ["sofmax"] } ] }""");
        Matrix("matrix-seeds-wrong-type", "`\"seeds\": [\"one\"]`", "entries[0].seeds: must be a non-empty array of whole numbers of at least 1.", "write \"seeds\": [1, 5, 9]",
            """{ "entries": [ { "preset": "tiny", "modules": ["softmax"], "seeds": ["one"] } ] }""");
        Matrix("matrix-unknown-key", "a matrix with a top-level key `extra`", "extra: is not a matrix key.", "known keys here: entries.",
            """{ "entries": [ { "preset": "tiny", "modules": ["softmax"] } ], "extra": 1 }""");
        Matrix("matrix-duplicate-key", "a matrix entry with `preset` twice", "m.json: entries[0].preset: appears twice in the same object (again at line 1).",
            "keep each key once", """{ "entries": [ { "preset": "tiny", "preset": "paper", "modules": ["softmax"] } ] }""");
        Matrix("matrix-invalid-config", "a matrix entry with `\"set\": [\"Pim.Rows=100\"]`", "Pim.Rows: is 100", "set Pim.Rows to a power of two",
            """{ "entries": [ { "preset": "tiny", "set": ["Pim.Rows=100"], "modules": ["softmax"] } ] }""");
        Add("regress", "matrix-missing", "`regress --matrix` naming no file", ExitCodes.InvalidConfig, "does not exist", "Fix:",
            s => ["regress", "--matrix", s.Path("in", "none.json"), "--out", s.Out]);
        Add("regress", "regress-jobs-zero", "`regress -j 0`", ExitCodes.Usage, "-j must be at least 1", "Fix:", s => ["regress", "--random-configs", "2", "-j", "0", "--out", s.Out]);
        Add("regress", "regress-random-configs-too-many", "`regress --random-configs 2147483647 --list`", ExitCodes.Usage,
            "--random-configs must be at most 10000", "split a larger campaign by --seed", s => ["regress", "--random-configs", "2147483647", "--list", "--out", s.Out]);
        Add("regress", "regress-out-under-a-file", "`regress --out` below a plain file", ExitCodes.OutputError, "--out", "choose another --out",
            s => ["regress", "--matrix", s.Write("in/m.json", """{ "entries": [ { "preset": "tiny", "modules": ["softmax"] } ] }"""), "--out", s.Path("in", "plain", "r"),
                "--cache-dir", s.Cache],
            setup: s => s.Write("in/plain", "x"));
        Add("regress", "regress-cache-dir-under-a-file", "`regress --cache-dir` below a plain file", ExitCodes.OutputError, "--cache-dir", "choose another --cache-dir",
            s => ["regress", "--matrix", s.Write("in/m.json", """{ "entries": [ { "preset": "tiny", "modules": ["softmax"] } ] }"""), "--out", s.Out,
                "--cache-dir", s.Path("in", "plain", "c")],
            setup: s => s.Write("in/plain", "x"));
        Add("regress", "regress-junit-empty", "`regress --junit \"\"`", ExitCodes.Usage, "--junit \"\" names no file.", "pass a file name, e.g. --junit build/regress/junit.xml",
            s => ["regress", "--matrix", s.Write("in/m.json", """{ "entries": [ { "preset": "tiny", "modules": ["softmax"] } ] }"""), "--out", s.Out,
                "--cache-dir", s.Cache, "--junit", ""]);
        Add("regress merge", "merge-malformed-xml", "`regress merge` of a cut-off JUnit file", ExitCodes.Usage, "bad.xml is not well-formed XML", "Fix:",
            s => ["regress", "merge", s.Write("in/bad.xml", "<testsuites>"), "-o", s.Path("out", "merged.xml")]);

        // wave diff / show.
        Add("wave diff", "wave-missing-file", "`wave diff` of a file that does not exist", ExitCodes.Usage, "none.vcd does not exist.", "check the path",
            s => ["wave", "diff", s.Write("in/a.vcd", Vcd), s.Path("in", "none.vcd")]);
        Add("wave diff", "wave-malformed-vcd", "`wave diff` of a VCD with a value change `Q!`", ExitCodes.Usage, "malformed wave file", "the file is not a valid VCD",
            s => ["wave", "diff", s.Write("in/a.vcd", Vcd), s.Write("in/b.vcd", Vcd.Replace("1!\n#10", "Q!\n#10", StringComparison.Ordinal))]);
        Add("wave diff", "wave-truncated-vcd", "`wave diff` of a VCD cut off in its header", ExitCodes.Usage, "expected $end before the end of the file.", "check that the dump finished",
            s => ["wave", "diff", s.Write("in/a.vcd", Vcd), s.Write("in/b.vcd", Vcd[..60])]);
        Add("wave diff", "wave-fst2vcd-missing", "`wave diff` of an `.fst` with `ATTNLEGO_FST2VCD=/nonexistent/fst2vcd`", ExitCodes.ToolMissing,
            "fst2vcd was not found: ATTNLEGO_FST2VCD=/nonexistent/fst2vcd does not exist.", "apt-get install gtkwave",
            s => ["wave", "diff", s.Write("in/a.fst", "not really"), s.Write("in/b.vcd", Vcd)], env: _ => [(WaveFiles.Fst2VcdVariable, "/nonexistent/fst2vcd")]);
        Add("wave show", "wave-glob-matches-nothing", "`wave show --signals nosuch`", ExitCodes.Usage, "--signals \"nosuch\" matches no signal", "globs match full dotted names",
            s => ["wave", "show", s.Write("in/a.vcd", Vcd), "--signals", "nosuch"]);
        Add("wave show", "wave-unknown-clock", "`wave show --clock nope`", ExitCodes.Usage, "has no signal matching the clock \"nope\"", "give a full name such as tb.clk",
            s => ["wave", "show", s.Write("in/a.vcd", Vcd), "--signals", "*", "--clock", "nope"]);
        Add("wave show", "wave-negative-cycle", "`wave show --from-cycle -1`", ExitCodes.Usage, "--from-cycle must not be negative.", "see `attnlego --help`",
            s => ["wave", "show", s.Write("in/a.vcd", Vcd), "--signals", "*", "--from-cycle", "-1"]);
    }

    /// <summary>The hanging simulation: the simulator and its child are gone, the seed's folder is the one named, the cache holds only the complete build.</summary>
    private static Task CheckHangCleanup(Sandbox s, CliRun run)
    {
        var pids = File.ReadAllLines(s.Path("tools", "sim.pids")).Where(l => l.Length > 0).Select(int.Parse).ToList();
        Assert.That(pids, Has.Count.EqualTo(2), "the stand-in simulator and the child it started");
        Assert.That(pids.Where(p => !Processes.WaitGone(p, TimeSpan.FromSeconds(5))), Is.Empty, "killed, not left running");
        var seedFolders = Directory.GetDirectories(s.Work, "seed-*", SearchOption.AllDirectories);
        Assert.That(seedFolders, Has.Length.EqualTo(1));
        Assert.That(run.Err, Does.Contain("look at " + seedFolders[0]), "the message names the only folder left, the case's artifacts");
        Assert.That(File.Exists(Path.Combine(seedFolders[0], "stimulus.txt")), Is.True, "what the replay needs");
        Assert.That(Directory.GetFileSystemEntries(s.Cache).Select(Path.GetFileName), Has.None.StartsWith("."), "no staging folder in the cache");
        return Task.CompletedTask;
    }

    private static Task CheckCacheEmpty(Sandbox s, CliRun run)
    {
        Assert.That(run.Err, Does.Contain("\n  %Error: al_softmax.v:1:1: syntax error (stand-in)"), "Verilator's own error line is quoted");
        Assert.That(Directory.GetFileSystemEntries(s.Cache, "*", SearchOption.AllDirectories), Is.Empty, "a failed build leaves nothing in the cache");
        return Task.CompletedTask;
    }
}

/// <summary>
/// One hostile input: the command line (and the files and environment it needs), the exit code, and a fragment of the
/// message that names the problem and one that names the fix.
/// </summary>
public sealed record HostileCase(string Id, string Input, int ExitCode, string Problem, string Fix)
{
    public required Func<Sandbox, string[]> Args { get; init; }

    public Action<Sandbox>? Setup { get; init; }

    public Func<Sandbox, (string Name, string Value)[]>? Environment { get; init; }

    /// <summary>Sandbox paths (relative, '/'-separated) the case may leave or change: a failing case's artifacts.</summary>
    public Func<string, bool>? MayLeave { get; init; }

    /// <summary>Further checks after the common ones.</summary>
    public Func<Sandbox, CliRun, Task>? Check { get; init; }

    /// <summary>The command the case feeds: the words before the first option or argument of its command line.</summary>
    public string Command { get; init; } = "";

    /// <summary>
    /// Run as a real process (<see cref="CliProcess"/>) in the sandbox's <c>cwd/</c> folder, with these options (a signal
    /// and when to send it, extra environment); null runs the command in-process.
    /// </summary>
    public ProcessOptions? Process { get; init; }

    /// <summary>Run in-process, the command still starts a tool (a Verilator probe before the input is refused).</summary>
    public bool InProcessTool { get; init; }

    /// <summary>The case starts an external program: attnlego as a process, or a tool from within the test process.</summary>
    public bool StartsTools => Process is not null || InProcessTool;

    public override string ToString() => Id;
}

/// <summary>A case's private folder: input files in <c>in/</c>, stand-in tools in <c>tools/</c>, empty <c>work/</c> and <c>cache/</c>.</summary>
public sealed class Sandbox : IDisposable
{
    private readonly TempFolder _temp = new();

    public Sandbox()
    {
        Directory.CreateDirectory(Work);
        Directory.CreateDirectory(Cache);
        Directory.CreateDirectory(Path("tools"));
        Directory.CreateDirectory(Path("in"));
        Directory.CreateDirectory(Path("cwd"));
    }

    public string Root => _temp.Path;

    public string Work => Path("work");

    public string Cache => Path("cache");

    public string Out => Path("out");

    /// <summary>The working folder of a process case: the default paths (build/, rtl-out/) land below it.</summary>
    public string Cwd => Path("cwd");

    public string Path(params string[] parts) => _temp.Combine(parts);

    public string Write(string relative, string text)
    {
        var path = _temp.Combine(relative.Split('/'));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>tiny's configuration file with <paramref name="edit"/> applied to its text.</summary>
    public string TinyConfig(string name, Func<string, string> edit) => Write("in/" + name, edit(ConfigJson.Serialize(Presets.Tiny)));

    /// <summary>An executable shell script in <c>tools/</c>.</summary>
    public string Script(string name, string body)
    {
        var path = Write("tools/" + name, "#!/bin/sh\n" + body);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    public void Dispose() => _temp.Dispose();
}

/// <summary>Every file and folder under a root, with a hash of each file's bytes: what "no partial output" compares.</summary>
public static class Snapshot
{
    public static Dictionary<string, string> Of(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).ToDictionary(
            p => Path.GetRelativePath(root, p).Replace('\\', '/'),
            p => Directory.Exists(p) ? "folder" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))),
            StringComparer.Ordinal);

    public static List<string> Differences(Dictionary<string, string> before, Dictionary<string, string> after, Func<string, bool>? mayLeave)
    {
        bool Counts(string p) => mayLeave is null || !mayLeave(p);
        return
        [
            .. after.Keys.Where(p => !before.ContainsKey(p) && Counts(p)).Order().Select(p => "new: " + p),
            .. before.Keys.Where(p => !after.ContainsKey(p) && Counts(p)).Order().Select(p => "removed: " + p),
            .. before.Keys.Where(p => after.TryGetValue(p, out var h) && h != before[p] && Counts(p)).Order().Select(p => "changed: " + p),
        ];
    }
}

/// <summary>Finds a .NET stack trace or an unhandled exception's header in a command's output.</summary>
public static partial class StackTrace
{
    public static string? Find(string text) => Pattern().Match(text) is { Success: true } m ? m.Value : null;

    [GeneratedRegex(@"^\s+at \S+\(.*\)|^Unhandled exception\.|\w+Exception: .*\n\s+at |\.cs:line \d+", RegexOptions.Multiline)]
    private static partial Regex Pattern();
}

/// <summary>Whether a process is gone: no longer in /proc, or a zombie (killed, waiting for its parent to reap it).</summary>
public static class Processes
{
    public static bool IsGone(int pid)
    {
        try
        {
            return File.ReadAllLines($"/proc/{pid}/status").Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z'));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }

    public static bool WaitGone(int pid, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!IsGone(pid))
        {
            if (DateTime.UtcNow > until)
            {
                return false;
            }

            Thread.Sleep(50);
        }

        return true;
    }
}

/// <summary>The "Hostile inputs" table of docs/CLI.md: one row per case, <c>| `id` | input | exit code | message |</c>.</summary>
public static class DocTable
{
    public const string Heading = "## Hostile inputs";

    /// <summary>The (id, exit code) rows of the section that starts at <see cref="Heading"/> and ends at the next "## ".</summary>
    public static List<(string Id, int ExitCode)> Parse(string markdown)
    {
        var rows = new List<(string, int)>();
        var inSection = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                inSection = line.TrimEnd() == Heading;
                continue;
            }

            var cells = line.Split(" | ");
            if (inSection && line.StartsWith("| `", StringComparison.Ordinal) && cells.Length >= 4)
            {
                rows.Add((cells[0].TrimStart('|', ' ').Trim('`'), int.TryParse(cells[2].Trim(), out var code) ? code : -1));
            }
        }

        return rows;
    }

    public static List<string> Differences(List<(string Id, int ExitCode)> doc, IReadOnlyList<HostileCase> catalogue)
    {
        var differences = new List<string>();
        foreach (var c in catalogue.Where(c => !doc.Any(r => r.Id == c.Id)))
        {
            differences.Add($"{c.Id}: in the catalogue, not in the docs");
        }

        foreach (var (id, code) in doc)
        {
            if (catalogue.FirstOrDefault(c => c.Id == id) is not { } c)
            {
                differences.Add($"{id}: in the docs, not in the catalogue");
            }
            else if (c.ExitCode != code)
            {
                differences.Add($"{id}: the docs say exit {code}, the catalogue {c.ExitCode}");
            }
        }

        differences.AddRange(doc.GroupBy(r => r.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: listed {g.Count()} times in the docs"));
        return differences;
    }

    public static string Render(IReadOnlyList<HostileCase> catalogue) =>
        "| id | input | exit | the message names |\n|---|---|---|---|\n" +
        string.Concat(catalogue.Select(c => $"| `{c.Id}` | {Escape(c.Input)} | {c.ExitCode} | {Escape(Quote(c.Problem))} ... {Escape(Quote(c.Fix))} |\n"));

    private static string Quote(string fragment) => fragment.Contains('`', StringComparison.Ordinal) ? $"\"{fragment}\"" : $"`{fragment}`";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
