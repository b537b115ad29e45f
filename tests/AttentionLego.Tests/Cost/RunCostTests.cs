using AttentionLego.Gen.Config;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.Golden.Timing;

namespace AttentionLego.Tests.Cost;

public sealed class RunCostTests
{
    private static readonly Machine Small = new(8.0 * (1L << 30), 2);

    private static readonly Machine Large = new(64.0 * (1L << 30), 16);

    [Test]
    public void Macros_and_multipliers_are_counted_per_bench()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RunCost.Macros(Presets.Tiny, "top"), Is.EqualTo(16));
            Assert.That(RunCost.Macros(Presets.Tiny, "pim_matrix"), Is.EqualTo(4));
            Assert.That(RunCost.Macros(Presets.Tiny, "softmax"), Is.EqualTo(0));
            Assert.That(RunCost.Macros(Presets.PaperExact, "top"), Is.EqualTo(128));
            Assert.That(RunCost.Macros(Presets.PaperExact, "qkv"), Is.EqualTo(96));
            Assert.That(RunCost.Macros(Presets.PaperMha, "array"), Is.EqualTo(5120), "32 heads of 128 macros and W_O's 1,024");
            Assert.That(RunCost.Multipliers(Presets.PaperMha, "array"), Is.EqualTo(5120L * 16 * 16));
            Assert.That(RunCost.Cells(Presets.PaperExact, "top"), Is.EqualTo((3L * 4096 * 128) + (2L * 128 * 2048)));
        });
    }

    [Test]
    public void A_bench_is_built_for_the_length_of_its_simulation()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RunCost.Length(Presets.Tiny, "top"), Is.EqualTo(SimulationLength.Short));
            Assert.That(RunCost.Length(Presets.TinyMha4, "array"), Is.EqualTo(SimulationLength.Short));
            Assert.That(RunCost.Length(Presets.PaperExact, "softmax"), Is.EqualTo(SimulationLength.Short), "no PIM cells");
            Assert.That(RunCost.Length(Presets.PaperExact, "score"), Is.EqualTo(SimulationLength.Long), "a K cache of 262,144 cells");
            Assert.That(RunCost.Length(Presets.Paper, "pim_matrix"), Is.EqualTo(SimulationLength.Long));
            Assert.That(RunCost.Length(Presets.PaperExact, "qkv"), Is.EqualTo(SimulationLength.Long));
            Assert.That(RunCost.Length(Presets.PaperExact, "top"), Is.EqualTo(SimulationLength.Long));
        });
    }

    [Test]
    public void A_build_grows_with_its_multipliers_macros_and_faults()
    {
        var (bytes, seconds, basis) = RunCost.Build(Presets.PaperExact, "top");
        Assert.That(bytes, Is.EqualTo(RunCost.VerilatorBaseBytes + RunCost.CompilerBytes + (128 * RunCost.BuildBytesPerMacro) + (32768 * RunCost.BuildBytesPerMultiplier)).Within(1e-3),
            "memory grows with every macro instance");
        Assert.That(RunCost.DistinctMacros(Presets.PaperExact, "top"), Is.EqualTo(32 + 16 + 16), "the three projections share one matrix module");
        Assert.That(seconds, Is.EqualTo(RunCost.BuildBaseSeconds + RunCost.HeadBuildSeconds + (64 * RunCost.BuildSecondsPerMacro) + (64 * 256 * RunCost.BuildSecondsPerMultiplier)).Within(1e-9),
            "time grows with the distinct macros");
        Assert.That(basis, Is.EqualTo("128 PIM macros of 128x128 with 16 lanes x 16 ADCs (32,768 multipliers) to build"));

        var faulty = Presets.Tiny with { Faults = new FaultMap { StuckAt = [.. Enumerable.Range(0, 1000).Select(i => new StuckAtFault { Row = i % 64, Col = i % 16, Bit = i % 8 })] } };
        Assert.That(RunCost.Build(faulty, "top").Bytes - RunCost.Build(Presets.Tiny, "top").Bytes, Is.EqualTo(1000 * RunCost.BuildBytesPerFault).Within(1e-6));
        Assert.That(RunCost.Build(faulty, "softmax").Bytes, Is.EqualTo(RunCost.VerilatorBaseBytes + RunCost.CompilerBytes), "a bench without macros has no fault tables");
    }

    [Test]
    public void A_whole_head_run_is_its_weight_load_and_its_tokens_per_seed()
    {
        var c = Presets.PaperExact;
        var cycles = RunCost.SimulationCycles(c, "top", 2048);
        var load = 3.0 * 4096 * 128 * 8 / 32; // one cycle per bus word: 4 weights
        Assert.That(cycles, Is.GreaterThan(load + (2049 * CycleModel.IdealTokenCycles(c, 2048))), "at least the load and every token at the ideal bound");
        Assert.That(cycles, Is.LessThan(load + (2049 * 2 * CycleModel.IdealTokenCycles(c, 2048))));

        var one = RunCost.Cosim(c, "top", 2048, 1);
        var thousand = RunCost.Cosim(c, "top", 2048, 1000);
        var build = RunCost.Build(c, "top").Seconds;
        Assert.That(thousand.Seconds - build, Is.EqualTo(1000 * (one.Seconds - build)).Within(1e-6), "seeds multiply the per-seed time, not the build");
        Assert.That(thousand.TimeBasis, Does.Contain("1,000 seeds x").And.Contain("for 2,048 tokens"));
    }

    [Test]
    public void The_suites_runs_pass_and_the_paper_array_is_refused_on_a_machine_of_its_size()
    {
        string[] modules = ["pim_macro", "pim_matrix", "requant", "qkv", "score", "softmax", "context", "top", "array"];
        foreach (var preset in Presets.All.Where(p => p.Name != "paper-mha"))
        {
            foreach (var module in modules)
            {
                var estimate = RunCost.Cosim(preset.Config, module, Math.Min(8, preset.Config.Model.MaxSeqLen), 3);
                Assert.DoesNotThrow(() => RunCost.Check(estimate, Small, _ => { }, ignore: false), $"{preset.Name} {module}");
            }
        }

        var array = RunCost.Cosim(Presets.PaperMha, "array", 4, 1);
        var ex = Assert.Throws<BeyondMachineException>(() => RunCost.Check(array, Small, _ => { }, ignore: false))!;
        Assert.That(ex.Message, Does.StartWith("cosim --module array needs about ").And.Contain("5,120 PIM macros").And.Contain("more than this machine's 8 GiB")
            .And.Contain("set ATTNLEGO_IGNORE_COST=1"));
        Assert.That(array.PeakBytes, Is.GreaterThan(24.0 * (1L << 30)), "Verilator was killed at 24 GiB still elaborating it");
        Assert.DoesNotThrow(() => RunCost.Check(array, Large, _ => { }, ignore: false), "a machine of 64 GiB may try it");
    }

    [Test]
    public void A_long_run_is_warned_about_and_one_of_weeks_refused_with_its_figure()
    {
        var warnings = new List<string>();
        var hours = RunCost.Cosim(Presets.PaperExact, "top", 2048, 1000);
        Assert.That(hours.Seconds, Is.GreaterThan(RunCost.WarnSeconds).And.LessThan(RunCost.MaxSeconds));
        RunCost.Check(hours, Large, warnings.Add, ignore: false);
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.StartWith("warning: cosim --module top will take about ").And.Contain("1,000 seeds x"));

        var weeks = RunCost.Cosim(Presets.PaperExact, "top", 2048, 100_000);
        var ex = Assert.Throws<BeyondMachineException>(() => RunCost.Check(weeks, Large, _ => { }, ignore: false))!;
        Assert.That(ex.Message, Does.Contain("would take about ").And.Contain("more than the 7 days one run may take"));

        warnings.Clear();
        RunCost.Check(weeks, Large, warnings.Add, ignore: true);
        Assert.That(warnings, Has.Some.StartWith("warning: cosim --module top would take about").And.Some.Contain("Running it anyway"));

        warnings.Clear();
        RunCost.Check(RunCost.Cosim(Presets.Tiny, "top", 4, 1), Large, warnings.Add, ignore: false);
        Assert.That(warnings, Is.Empty, "a small run is neither warned about nor refused");
    }

    [Test]
    public void A_regression_builds_each_group_once_and_adds_the_builds_that_run_at_once()
    {
        var tiny = Presets.Tiny;
        var paper = Presets.PaperExact;
        var cases = new List<(AttentionConfig, string, int, bool)>
        {
            (paper, "top", 4, false), (paper, "top", 4, true), (tiny, "softmax", 0, false), (paper, "qkv", 0, false),
        };
        var one = RunCost.Regress(cases, 1, 2);
        var two = RunCost.Regress(cases, 2, 2);
        Assert.That(one.PeakBytes, Is.EqualTo(RunCost.ProcessBytes + RunCost.Build(paper, "top").Bytes));
        Assert.That(two.PeakBytes, Is.EqualTo(RunCost.ProcessBytes + RunCost.Build(paper, "top").Bytes + RunCost.Build(paper, "qkv").Bytes));
        Assert.That(two.Seconds, Is.EqualTo(one.Seconds / 2).Within(1e-6));
        Assert.That(one.TimeBasis, Is.EqualTo("3 builds and 4 cases, 1 at a time"));
    }

    [Test]
    public void The_golden_model_costs_cells_times_tokens_times_runs()
    {
        var one = RunCost.Golden(Presets.PaperExact, 64, 1, "accuracy");
        var cells = RunCost.Cells(Presets.PaperExact, "top");
        Assert.That(one.Seconds, Is.EqualTo((cells * (RunCost.GoldenSecondsPerCell + (64 * RunCost.GoldenSecondsPerCellToken))) + 0.05).Within(1e-9));
        Assert.That(one.PeakBytes, Is.EqualTo(RunCost.ProcessBytes + (cells * RunCost.GoldenBytesPerCell)));
        var head = RunCost.Golden(Presets.PaperMha, 64, 1, "accuracy", wholeArray: false);
        Assert.That(head.PeakBytes, Is.EqualTo(one.PeakBytes), "accuracy of an array measures one head");
        Assert.That(RunCost.Golden(Presets.PaperMha, 64, 1, "report").PeakBytes - RunCost.ProcessBytes, Is.GreaterThan(32 * (head.PeakBytes - RunCost.ProcessBytes)),
            "the report measures the whole array: 32 heads and W_O");
        Assert.That(RunCost.Golden(Presets.PaperExact, 64, 18, "faults sweep").Seconds, Is.EqualTo(18 * one.Seconds).Within(1e-9));
        Assert.That(RunCost.Golden(Presets.PaperMha, 2048, 1, "accuracy").TimeBasis, Does.Contain("2,048 tokens x"));
    }

    [Test]
    public void Figures_read_in_units_a_person_reads()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RunCost.Duration(40), Is.EqualTo("40 s"));
            Assert.That(RunCost.Duration(720), Is.EqualTo("12 min"));
            Assert.That(RunCost.Duration(3.5 * 3600), Is.EqualTo("3.5 h"));
            Assert.That(RunCost.Duration(62 * 86400), Is.EqualTo("62 days"));
            Assert.That(RunCost.Duration(10 * 365.25 * 86400), Is.EqualTo("10 years"));
            Assert.That(RunCost.Bytes(1.5 * (1L << 30)), Is.EqualTo("1.5 GiB"));
            Assert.That(RunCost.Bytes(300 * (1L << 20)), Is.EqualTo("300 MiB"));
        });
    }

    [Test]
    public void This_machine_is_read_from_proc_meminfo()
    {
        var machine = Machine.Current;
        Assert.That(machine.MemoryBytes, Is.GreaterThan(100e6));
        Assert.That(machine.Cores, Is.EqualTo(Environment.ProcessorCount));
        var total = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kb = long.Parse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(machine.MemoryBytes, Is.LessThanOrEqualTo(kb * 1024.0));
    }
}
