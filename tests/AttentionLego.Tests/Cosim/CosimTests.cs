using AttentionLego.Cosim;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Scoring;
using AttentionLego.Gen.Config;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Cosim;

/// <summary>
/// Co-simulation of the PIM macro and matrix under Verilator: every response bit-exact against the golden
/// model and in the cycle CycleModel predicts, over several shapes and seeds. Each case prints its replay command.
/// </summary>
[Category(Tier.Tools)]
public sealed class CosimTests
{
    private const int Seeds = 3;

    /// <summary>Shapes as --set overrides of the tiny preset, so each one replays from the command line.</summary>
    private static readonly (string Name, string Preset, string[] Overrides)[] Shapes =
    [
        ("tiny", "tiny", []),
        ("one-macro", "tiny", ["Model.DModel=16"]),
        ("non-square-16x8", "tiny", ["Pim.Cols=8", "Pim.AdcCount=2"]),
        ("1-bit-slices", "tiny", ["Pim.SliceBits=1", "Pim.AdcBits=11"]),
        ("one-slice-one-row-group", "tiny", ["Pim.SliceBits=8", "Pim.InputLanes=16", "Pim.AdcBits=21"]),
        ("lossy-paper-adc", "tiny", ["Pim.AdcBits=6", "Pim.AdcShift=6"]),
        ("adc-wider-than-accumulator", "tiny", ["Pim.AdcBits=26"]),
        ("two-by-two-macros", "tiny", ["Pim.Rows=2", "Pim.Cols=2", "Pim.InputLanes=1", "Pim.AdcCount=1", "Pim.AdcBits=13"]),
        ("narrow-data", "tiny", ["Format.DataWidth=4", "Format.WeightWidth=4", "Pim.SliceBits=2", "Pim.AdcBits=8"]),
        // A weight write (a 128-bit bus word: 16 weights) wider than a macro row of 8: it spans two macros side by side.
        ("word-spans-two-macros", "tiny", ["Pim.Cols=8", "Pim.AdcCount=2", "Bus.DataWidth=128"]),
    ];

    private static IEnumerable<TestCaseData> MacroCases() =>
        Shapes.Select(s => new TestCaseData(s.Preset, s.Overrides).SetArgDisplayNames(s.Name))
            .Append(new TestCaseData("paper", Array.Empty<string>()).SetArgDisplayNames("paper").Sized("paper"))
            .Append(new TestCaseData("paper-exact", Array.Empty<string>()).SetArgDisplayNames("paper-exact").Sized("paper-exact"));

    private static IEnumerable<TestCaseData> MatrixCases() =>
        Shapes.Select(s => new TestCaseData(s.Preset, s.Overrides).SetArgDisplayNames(s.Name));

    [TestCaseSource(nameof(MacroCases))]
    public async Task Pim_macro_is_bit_exact_and_cycle_exact(string preset, string[] overrides) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset(preset, overrides), "pim_macro", 1, Seeds));

    [TestCaseSource(nameof(MatrixCases))]
    public async Task Pim_matrix_is_bit_exact_and_cycle_exact(string preset, string[] overrides) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset(preset, overrides), "pim_matrix", 1, Seeds));

    private static IEnumerable<TestCaseData> RequantCases()
    {
        yield return new TestCaseData("tiny", Array.Empty<string>()).SetArgDisplayNames("tiny");
        yield return new TestCaseData("paper", Array.Empty<string>()).SetArgDisplayNames("paper").Sized("paper");
        yield return new TestCaseData("tiny", new[] { "Quant.QShift=0" }).SetArgDisplayNames("no-shift");
        yield return new TestCaseData("tiny", new[] { "Quant.QShift=30" }).SetArgDisplayNames("shift-beyond-the-input-width");
        yield return new TestCaseData("tiny", new[] { "Format.DataWidth=16", "Format.WeightWidth=16", "Pim.SliceBits=16", "Pim.AdcBits=32", "Softmax.ProbBits=16" })
            .SetArgDisplayNames("16-bit-output");
    }

    private static IEnumerable<TestCaseData> QkvCases() =>
        Shapes.Where(s => s.Name is "tiny" or "one-macro" or "lossy-paper-adc" or "narrow-data" or "1-bit-slices" or "word-spans-two-macros")
            .Select(s => new TestCaseData(s.Preset, s.Overrides).SetArgDisplayNames(s.Name))
            .Append(new TestCaseData("paper-exact", Array.Empty<string>()).SetArgDisplayNames("paper-exact").Sized("paper-exact"));

    [TestCaseSource(nameof(QkvCases))]
    public async Task Qkv_projects_and_requantizes_bit_exactly_and_cycle_exactly(string preset, string[] overrides) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset(preset, overrides), "qkv", 1, Seeds));

    private static IEnumerable<TestCaseData> ScoreCases() =>
        Shapes.Where(s => s.Name is "tiny" or "non-square-16x8" or "lossy-paper-adc" or "narrow-data" or "1-bit-slices")
            .Select(s => new TestCaseData(s.Preset, s.Overrides).SetArgDisplayNames(s.Name))
            .Append(new TestCaseData("tiny", new[] { "Model.MaxSeqLen=16" }).SetArgDisplayNames("one-macro-cache"))
            // 16 column groups over 3 cache macros (not a power of two): a query skips up to 15 of them.
            .Append(new TestCaseData("tiny", new[] { "Pim.AdcCount=1", "Model.MaxSeqLen=48" }).SetArgDisplayNames("one-adc-three-cache-macros"))
            .Append(new TestCaseData("paper-exact", Array.Empty<string>()).SetArgDisplayNames("paper-exact").Sized("paper-exact"));

    [TestCaseSource(nameof(ScoreCases))]
    public async Task Score_appends_keys_and_scores_queries_bit_exactly_and_cycle_exactly(string preset, string[] overrides) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset(preset, overrides), "score", 1, Seeds));

    private static IEnumerable<TestCaseData> ContextCases() =>
        Shapes.Where(s => s.Name is "tiny" or "non-square-16x8" or "lossy-paper-adc" or "narrow-data" or "1-bit-slices")
            .Select(s => new TestCaseData(s.Preset, s.Overrides).SetArgDisplayNames(s.Name))
            .Append(new TestCaseData("tiny", new[] { "Model.MaxSeqLen=16" }).SetArgDisplayNames("one-macro-cache"))
            .Append(new TestCaseData("tiny", new[] { "Softmax.ProbBits=16", "Quant.ContextShift=12", "Pim.AdcBits=16" }).SetArgDisplayNames("16-bit-probabilities"))
            .Append(new TestCaseData("paper-exact", Array.Empty<string>()).SetArgDisplayNames("paper-exact").Sized("paper-exact"));

    [TestCaseSource(nameof(ContextCases))]
    public async Task Context_accumulates_probability_weighted_values_bit_exactly_and_cycle_exactly(string preset, string[] overrides) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset(preset, overrides), "context", 1, Seeds));

    private static IEnumerable<TestCaseData> SoftmaxCases()
    {
        yield return new TestCaseData("tiny", Array.Empty<string>()).SetArgDisplayNames("tiny");
        yield return new TestCaseData("tiny", new[] { "Softmax.Mode=Window" }).SetArgDisplayNames("window");
        yield return new TestCaseData("tiny", new[] { "Softmax.Lanes=1", "Softmax.LutFracBits=12", "Softmax.ExpBits=4", "Softmax.ProbBits=4" })
            .SetArgDisplayNames("one-lane-narrow");
        yield return new TestCaseData("tiny", new[] { "Softmax.ExpBits=24", "Softmax.ProbBits=16", "Softmax.LutAddrBits=10", "Softmax.LutFracBits=7" })
            .SetArgDisplayNames("wide-exp-and-probabilities");
        yield return new TestCaseData("tiny", new[] { "Softmax.Mode=Window", "Softmax.ScoreShift=0", "Softmax.LutFracBits=0", "Softmax.Lanes=8" })
            .SetArgDisplayNames("window-without-index-shift");
        yield return new TestCaseData("paper-exact", Array.Empty<string>()).SetArgDisplayNames("paper-exact").Sized("paper-exact");
    }

    [TestCaseSource(nameof(SoftmaxCases))]
    public async Task Softmax_normalizes_lut_exps_bit_exactly_and_cycle_exactly(string preset, string[] overrides) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset(preset, overrides), "softmax", 1, Seeds));

    [TestCaseSource(nameof(RequantCases))]
    public async Task Requantizer_rounds_half_up_and_saturates_bit_exactly(string preset, string[] overrides) =>
        await AssertPasses(new CosimRequest(ConfigSource.FromPreset(preset, overrides), "requant", 1, Seeds));

    [Test]
    public async Task An_unchanged_case_reuses_its_build()
    {
        using var temp = new TempFolder();
        var request = new CosimRequest(ConfigSource.FromPreset("tiny", "Pim.AdcBits=15"), "pim_macro");
        var runner = await Runner(temp.Combine("cache"), temp.Combine("work"));
        var first = await runner.RunAsync(request);
        var second = await runner.RunAsync(request with { FirstSeed = 7 });
        Assert.That(first.Build.Cached, Is.False, "a fresh cache builds");
        Assert.That(second.Build.Cached, Is.True, "the same sources, flags and tools reuse the build");
        Assert.That(second.Build.Key, Is.EqualTo(first.Build.Key));
        Assert.That(second.Passed, Is.True);
    }

    [Test]
    public async Task A_corrupted_expected_value_is_reported_with_its_coordinate_and_replay_command()
    {
        var result = await RunTampered("pim_matrix", c => Corrupt(c, index: 8, element: 5, delta: 1));
        var mismatch = FirstFailure(result);
        Assert.That(mismatch.Kind, Is.EqualTo("value mismatch"));
        Assert.That(mismatch.Signal, Does.StartWith("y_data_o["));
        Assert.That(mismatch.Coordinate, Does.Contain("output 5 (macro column 0, column 5, column group 1, ADC 1)"));
        Assert.That(long.Parse(mismatch.Expected), Is.EqualTo(long.Parse(mismatch.Actual) + 1));
        Assert.That(result.Cases[0].Replay, Is.EqualTo("scripts/attnlego cosim --module pim_matrix --preset tiny --seed 1"));
    }

    [Test]
    public async Task A_corrupted_macro_read_is_reported_as_a_value_mismatch()
    {
        var result = await RunTampered("pim_macro", c => Corrupt(c, index: 0, element: 0, delta: -3));
        var mismatch = FirstFailure(result);
        Assert.That(mismatch.Kind, Is.EqualTo("value mismatch"));
        Assert.That(mismatch.Signal, Does.StartWith("mem_rdata_o"));
        Assert.That(mismatch.Coordinate, Does.StartWith("read of row"));
    }

    [Test]
    public async Task A_response_one_cycle_off_is_reported_as_a_timing_mismatch()
    {
        var result = await RunTampered("pim_matrix", c => Retime(c, index: 9, delta: 1));
        var mismatch = FirstFailure(result);
        Assert.That(mismatch.Kind, Is.EqualTo("timing mismatch"));
        Assert.That(mismatch.Signal, Is.EqualTo("y_data_o"));
        Assert.That(mismatch.Expected, Does.Contain($"cycle {mismatch.Cycle + 1}"));
    }

    [TestCase("qkv")]
    [TestCase("score")]
    [TestCase("softmax")]
    [TestCase("context")]
    public async Task Every_datapath_bench_reports_a_corrupted_value_and_a_wrong_cycle_count(string module)
    {
        var value = FirstFailure(await RunTampered(module, c => Corrupt(c, index: c.Expected.Count / 2, element: 0, delta: 1)));
        Assert.That(value.Kind, Is.EqualTo("value mismatch"));
        var timing = FirstFailure(await RunTampered(module, c => Retime(c, index: c.Expected.Count / 2, delta: -1)));
        Assert.That(timing.Kind, Is.EqualTo("timing mismatch"));
    }

    [Test]
    public async Task A_missing_response_and_an_unexpected_one_are_both_failures()
    {
        var extra = await RunTampered("pim_matrix", c => c with { Expected = [.. c.Expected, c.Expected[^1] with { Cycle = c.Expected[^1].Cycle + 5 }] });
        Assert.That(FirstFailure(extra).Kind, Is.EqualTo("missing response"));
        var fewer = await RunTampered("pim_matrix", c => c with { Expected = [.. c.Expected.Take(c.Expected.Count - 1)] });
        Assert.That(FirstFailure(fewer).Kind, Is.EqualTo("unexpected response"));
    }

    [Test]
    public async Task A_cycle_budget_that_runs_out_is_reported_as_a_hang()
    {
        var result = await RunTampered("pim_matrix", c => c with { CycleBudget = 50 });
        var mismatch = FirstFailure(result);
        Assert.That(mismatch.Kind, Is.EqualTo("timeout"));
        Assert.That(mismatch.Actual, Does.Contain("hung"));
    }

    [Test]
    public void Every_module_name_has_a_bench()
    {
        Assert.That(ModuleBenches.All.Select(b => b.Module), Is.EquivalentTo(new[] { "pim_macro", "pim_matrix", "requant", "qkv", "score", "softmax", "context", "top", "array", "dma", "controller", "mem_arbiter" }));
        Assert.That(ModuleBenches.Find("nope"), Is.Null);
    }

    private static BenchCase Corrupt(BenchCase c, int index, int element, long delta)
    {
        var expected = c.Expected.ToList();
        var e = expected[index];
        var elements = (long[])e.Elements.Clone();
        elements[element] += delta;
        expected[index] = e with { Elements = elements };
        return c with { Expected = expected };
    }

    private static BenchCase Retime(BenchCase c, int index, long delta)
    {
        var expected = c.Expected.ToList();
        expected[index] = expected[index] with { Cycle = expected[index].Cycle + delta };
        return c with { Expected = expected };
    }

    private static Mismatch FirstFailure(CosimResult result) => CosimHarness.FirstFailure(result);

    private static Task<CosimResult> RunTampered(string module, Func<BenchCase, BenchCase> tamper) =>
        CosimHarness.RunTampered(new CosimRequest(ConfigSource.FromPreset("tiny"), module), tamper);

    private static Task<CosimRunner> Runner(string cache, string work) => CosimHarness.Runner(cache, work);

    private static Task AssertPasses(CosimRequest request) => CosimHarness.AssertPasses(request, minCompared: 10);
}
