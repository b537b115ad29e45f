using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Tools;
using AttentionLego.Cosim;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Experiments;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Faults;

/// <summary>
/// Co-simulation with PIM faults present: every module bench stays bit-exact and cycle-exact against the golden model
/// with the same faults, and the faults are visible (the same RTL against fault-free expectations fails), so the RTL
/// and the model agree on faults rather than both ignoring them.
/// </summary>
[Category(Tier.Tools)]
public sealed class FaultCosimTests
{
    private const double Rate = 0.02;
    private const int MapSeed = 3;

    /// <summary>Each case's preset, module, rate and map seed; the map is what <c>faults draw</c> prints for them.</summary>
    private static readonly (string Preset, string Module, double Rate)[] Cases =
    [
        ("tiny", "pim_macro", Rate), ("tiny", "pim_matrix", Rate), ("tiny", "qkv", Rate), ("tiny", "score", Rate),
        ("tiny", "context", Rate), ("tiny", "top", Rate), ("tiny-mha4", "array", 0.005),
    ];

    private static IEnumerable<TestCaseData> All() => Cases.Select(c => new TestCaseData(c.Preset, c.Module, c.Rate).SetArgDisplayNames($"{c.Preset}-{c.Module}"));

    [TestCaseSource(nameof(All))]
    public async Task Faulty_rtl_is_bit_exact_against_the_faulty_golden_model(string preset, string module, double rate)
    {
        using var temp = new TempFolder();
        var request = Request(temp, preset, module, rate);
        await CosimHarness.AssertPasses(request, minCompared: 3);
    }

    [TestCaseSource(nameof(All))]
    public async Task The_faults_are_visible_against_fault_free_expectations(string preset, string module, double rate)
    {
        using var temp = new TempFolder();
        var request = Request(temp, preset, module, rate);
        var clean = Presets.All.Single(p => p.Name == preset).Config;
        var bench = ModuleBenches.Find(module)!;
        // The stimulus does not depend on the faults: only the expectations change, to those of the fault-free design.
        var result = await CosimHarness.RunTampered(request, _ => bench.Generate(clean, request.FirstSeed));
        CosimHarness.FirstFailure(result);
    }

    /// <summary>The preload files hold what a LOAD would leave in the cells: the weights with their stuck bits (issue 19).</summary>
    [TestCase("tiny", "top", Rate)]
    [TestCase("tiny-mha4", "array", 0.005)]
    public async Task A_preload_stores_the_stuck_bits_a_load_would(string preset, string module, double rate)
    {
        using var temp = new TempFolder();
        var request = Request(temp, preset, module, rate) with { Top = new TopOptions(Preload: true) };
        await CosimHarness.AssertPasses(request, minCompared: 3);
    }

    [Test]
    public void The_map_of_the_module_cases_holds_faults_in_the_lone_macro_and_both_kinds()
    {
        var faults = PimFaults.Of(Presets.Tiny with { Faults = FaultMaps.Draw(Presets.Tiny, FaultKind.Both, Rate, MapSeed) });
        var macro0 = faults.Macro(0);
        Assert.That(macro0, Is.Not.Null, "al_pim_macro's bench is macro 0");
        Assert.That(macro0!.HasStuckCells && macro0.HasDeadColumns, Is.True, "both kinds reach the lone macro's bench");
    }

    [Test]
    public async Task Faulty_rtl_lints_clean_and_synthesizes_without_latches()
    {
        var array = Presets.TinyMha4 with { Faults = FaultMaps.Draw(Presets.TinyMha4, FaultKind.Both, 0.005, MapSeed) };
        var results = await Linter.LintAsync(await TestEnvironment.RequireVerilatorAsync(), RtlGenerator.Render(array));
        Assert.That(results.Where(r => !r.Clean).Select(r => $"{r.TopModule}:\n{string.Join("\n", r.Diagnostics)}"), Is.Empty);

        // Yosys is installed by scripts/setup.sh; a missing Yosys fails here rather than skipping.
        var head = Presets.Tiny with { Faults = FaultMaps.Draw(Presets.Tiny, FaultKind.Both, Rate, MapSeed) };
        var yosys = await YosysDriver.LocateAsync();
        var stats = await yosys.StatAsync(RtlGenerator.Render(head).Modules, "al_top", TimeSpan.FromMinutes(5), cache: YosysStatCache.Default(TestContext.Out.WriteLine));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(stats.Latches, Is.Zero);
            Assert.That(stats.CheckProblems, Is.Zero, string.Join("\n", stats.CheckWarnings));
        }
    }

    /// <summary>The request for a drawn map, written as a config file; the replay draws the same map again.</summary>
    private static CosimRequest Request(TempFolder temp, string preset, string module, double rate)
    {
        var config = Presets.All.Single(p => p.Name == preset).Config;
        var faulty = config with { Faults = FaultMaps.Draw(config, FaultKind.Both, rate, MapSeed) };
        var path = temp.Combine($"{preset}-faults.json");
        File.WriteAllText(path, ConfigJson.Serialize(faulty));
        TestContext.Out.WriteLine($"{faulty.Faults}; replay: scripts/attnlego faults draw --preset {preset} --kind both --rate {rate} --seed {MapSeed} > faults.json " +
                                  $"&& scripts/attnlego cosim --config faults.json --module {module} --seed 1");
        return new CosimRequest(new ConfigSource(null, path, []), module) { WorkFolder = $"{module}-faults" };
    }
}
