using AttentionLego.Cli;

namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: a check that compared nothing fails: wave diff, scoreboard, shards, lint.</summary>
/// <remarks>
/// The scoreboard's "nothing compared" is a verdict on standard output, not an error on standard error, so its cases
/// live in ScoreboardTests (no expectation and no response, in order and per port, and a corrupted value that fails).
/// </remarks>
public static partial class HostileCases
{
    public static void ComparedNothing(HostileCatalogueBuilder b)
    {
        // A two-signal wave of 2 cycles under scope `scope`.
        static string Wave(string scope, string extra = "") =>
            $"$timescale 1ns $end\n$scope module {scope} $end\n$var wire 1 ! clk $end\n$var wire 8 \" count [7:0] $end\n{extra}$upscope $end\n$enddefinitions $end\n" +
            "#0\n0!\nb0 \"\n#5\n1!\n#10\n0!\nb1 \"\n#15\n1!\n#20\n0!\n";
        const string NothingCompared = "nothing was compared: ";
        const string WaveFix = "name signals both files dump with --signals, or check that the two files dump the same design";

        b.Add("wave diff", "wave-diff-no-common-signal", "`wave diff` of two VCDs with no signal in common (scopes `tb` and `dut`)", ExitCodes.CheckFailed,
            NothingCompared, WaveFix, s => ["wave", "diff", s.Write("in/a.vcd", Wave("tb")), s.Write("in/b.vcd", Wave("dut"))],
            check: (_, run) =>
            {
                Assert.That(run.Out, Is.Empty, "no 'no divergence' line that a script could read as a pass");
                Assert.That(run.Err, Does.Contain("(2 in A, 2 in B; A has e.g. tb.clk, B has e.g. dut.clk"));
                return Task.CompletedTask;
            });
        b.Add("wave diff", "wave-diff-signals-only-in-b", "`wave diff --signals` selecting only a signal that B (actual) has", ExitCodes.CheckFailed,
            "have no signal that --signals selects in common (0 in A, 1 in B", WaveFix,
            s => ["wave", "diff", s.Write("in/a.vcd", Wave("tb")), s.Write("in/b.vcd", Wave("tb", "$var wire 1 # extra $end\n")), "--signals", "*.extra"]);
        // An expected wave that is all x in the window: with --x-wildcard every x accepts anything, so nothing was checked.
        b.Add("wave diff", "wave-diff-expected-all-x", "`wave diff --x-wildcard` where A (expected) is x on every cycle but its clock's", ExitCodes.CheckFailed,
            "none but the clock tb.clk has a known (0 or 1) value in A", "drop --x-wildcard to require x in B too",
            s => ["wave", "diff", s.Write("in/a.vcd", Wave("tb").Replace("b0 \"", "bx \"", StringComparison.Ordinal).Replace("b1 \"", "bx \"", StringComparison.Ordinal)),
                s.Write("in/b.vcd", Wave("tb")), "--x-wildcard"]);

        // regress: a run of no case. Five seeds of one build group in four shards: pieces of two cases fill three shards.
        const string FiveSeeds = """{ "entries": [ { "preset": "tiny", "modules": ["softmax"], "seeds": [1, 2, 3, 4, 5] } ] }""";
        b.Add("regress", "regress-empty-shard", "`regress --shard 4/4` of a matrix whose 5 cases (one build group) fill 3 shards", ExitCodes.CheckFailed,
            "shard 4/4 holds none of the 5 cases, so it would check nothing: they fill only shards 1..3 of 4",
            "split into at most 3 shards (--shard i/3), or pass --allow-empty-shard when a CI matrix has more jobs than cases",
            s => ["regress", "--matrix", s.Write("in/m.json", FiveSeeds), "--shard", "4/4", "--out", s.Out, "--cache-dir", s.Cache]);
        b.Add("regress", "regress-shard-past-the-cases", "`regress --random-configs 1 --modules requant --shard 2/2` (one case, two shards)", ExitCodes.CheckFailed,
            "shard 2/2 holds no case, so it would check nothing: the regression's one case is in shard 1 of 2", "run it as one shard (drop --shard), or pass --allow-empty-shard",
            s => ["regress", "--random-configs", "1", "--modules", "requant", "--shard", "2/2", "--out", s.Out, "--cache-dir", s.Cache]);
        b.Add("regress", "regress-modules-select-no-case", "`regress --matrix` of softmax cases with `--modules requant`", ExitCodes.CheckFailed,
            "--modules requant selects no case of the matrix, so the run would check nothing.", "choose modules the matrix runs",
            s => ["regress", "--matrix", s.Write("in/m.json", FiveSeeds), "--modules", "requant", "--out", s.Out, "--cache-dir", s.Cache]);

        // lint: a matrix no run can elaborate in full would be linted as its own black box, i.e. not at all.
        b.Add("lint", "lint-matrix-beyond-elaboration", "`lint --set Model.DModel=65536` (W_Q of 4,096 macros)", ExitCodes.BeyondMachine,
            "al_pim_matrix cannot be elaborated in full: the Q/K/V projection matrix (65536 x 16 weights on 16x16 macros) holds 4,096 PIM macros, more than the 2,048",
            "lint a configuration whose matrices hold at most 2,048 macros each", _ => ["lint", "--set", "Model.DModel=65536"]);
        b.Add("lint", "lint-cache-beyond-elaboration", "`lint --set Model.MaxSeqLen=65536` (a K cache of 4,096 macros)", ExitCodes.BeyondMachine,
            "al_score cannot be elaborated in full: the K cache (score) matrix (16 x 65536 weights on 16x16 macros) holds 4,096 PIM macros",
            "larger Pim.Rows and Pim.Cols, or a smaller Model.DModel, Model.DHead or Model.MaxSeqLen", _ => ["lint", "--set", "Model.MaxSeqLen=65536"]);
    }
}
