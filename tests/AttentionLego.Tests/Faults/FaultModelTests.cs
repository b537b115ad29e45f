using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Experiments;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Tests.Faults;

/// <summary>The fault map: its JSON form, its rules, where each fault lands (macro ids), and what it does in the golden model.</summary>
public sealed class FaultModelTests
{
    private static AttentionConfig WithFaults(AttentionConfig c, IReadOnlyList<StuckAtFault>? stuck = null, IReadOnlyList<DeadColumnFault>? dead = null) =>
        c with { Faults = new FaultMap { StuckAt = stuck ?? [], DeadColumns = dead ?? [] } };

    [Test]
    public void A_stuck_bit_reads_its_value_whatever_is_written()
    {
        var config = WithFaults(Presets.Tiny, [
            new StuckAtFault { Matrix = PimMatrix.Q, Row = 1, Col = 2, Bit = 7, Value = 0 },
            new StuckAtFault { Matrix = PimMatrix.Q, Row = 1, Col = 2, Bit = 0, Value = 1 },
        ]);
        var faults = PimFaults.Of(config);
        var macro = new PimMacroModel(config, faults.Macro(0));
        macro.MemWrite(1, 2, -128); // 0x80: bit 7 stuck at 0, bit 0 at 1 -> 0x01
        macro.MemWrite(1, 3, -128); // a healthy neighbour
        using (Assert.EnterMultipleScope())
        {
            Assert.That(macro.MemRead(1, 2), Is.EqualTo(1L));
            Assert.That(macro.MemRead(1, 3), Is.EqualTo(-128L));
            Assert.That(faults.Macro(1), Is.Null, "only macro 0 holds W_Q's (1, 2)");
        }

        macro.MemWrite(1, 2, 126); // 0x7e -> 0x7f
        Assert.That(macro.MemRead(1, 2), Is.EqualTo(127L));
    }

    [Test]
    public void A_dead_adc_column_converts_every_sum_to_zero()
    {
        var config = WithFaults(Presets.Tiny, dead: [new DeadColumnFault { Matrix = PimMatrix.Q, MacroRow = 0, Col = 3 }]);
        var healthy = new PimMacroModel(config);
        var faulty = new PimMacroModel(config, PimFaults.Of(config).Macro(0));
        foreach (var m in new[] { healthy, faulty })
        {
            for (var r = 0; r < config.Pim.InputLanes; r++)
            {
                for (var c = 0; c < config.Pim.AdcCount; c++)
                {
                    m.MemWrite(r, c, 5);
                }
            }
        }

        var slices = Enumerable.Repeat(3UL, config.Pim.InputLanes).ToArray();
        var good = healthy.Compute(0, 0, false, slices);
        var bad = faulty.Compute(0, 0, false, slices);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(good[3], Is.Not.Zero, "the column computes something when healthy");
            Assert.That(bad[3], Is.Zero);
            Assert.That(bad.Where((_, j) => j != 3), Is.EqualTo(good.Where((_, j) => j != 3)), "the other columns are untouched");
        }
    }

    [Test]
    public void Macro_ids_follow_the_rtl_instance_order()
    {
        var c = Presets.TinyMha4;
        var layout = new MacroLayout(c);
        var per = (3 * c.ProjectionShape.MacroCount) + c.ScoreShape.MacroCount + c.ContextShape.MacroCount;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(layout.PerHead, Is.EqualTo(per));
            Assert.That(layout.Base(2, PimMatrix.K), Is.EqualTo((2 * per) + c.ProjectionShape.MacroCount));
            Assert.That(layout.Base(1, PimMatrix.VCache), Is.EqualTo(per + (3 * c.ProjectionShape.MacroCount) + c.ScoreShape.MacroCount));
            Assert.That(layout.OutputBase, Is.EqualTo(4 * per));
            Assert.That(layout.Total, Is.EqualTo((4 * per) + c.OutputProjectionShape.MacroCount));
            foreach (var (head, matrix) in FaultMaps.Matrices(c))
            {
                Assert.That(layout.MatrixOf(layout.Base(head, matrix)), Is.EqualTo(matrix));
            }
        }

        // W_Q's tile (mi, mo) is id mo x MacrosIn + mi, the RTL's Index: the last row and column land in the last tile.
        var shape = c.ProjectionShape;
        var config = WithFaults(c, [new StuckAtFault { Head = 3, Matrix = PimMatrix.Q, Row = shape.InDim - 1, Col = shape.OutDim - 1, Bit = 0, Value = 1 }]);
        Assert.That(PimFaults.Of(config).Macros.Single().Key, Is.EqualTo(layout.Base(3, PimMatrix.Q) + shape.MacroCount - 1));
    }

    [Test]
    public void Faults_round_trip_through_json_and_an_empty_map_is_not_written()
    {
        Assert.That(ConfigJson.Serialize(Presets.Tiny), Does.Not.Contain("Faults"), "a fault-free file (and hash) is unchanged");
        var config = WithFaults(Presets.Tiny,
            [new StuckAtFault { Head = 0, Matrix = PimMatrix.KCache, Row = 2, Col = 9, Bit = 3, Value = 1 }],
            [new DeadColumnFault { Head = 0, Matrix = PimMatrix.V, MacroRow = 1, Col = 4 }]);
        var text = ConfigJson.Serialize(config);
        var back = ConfigJson.Bind(ConfigJson.ParseObject(text, "test"));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text, Does.Contain("\"Matrix\": \"KCache\"").And.Contain("\"DeadColumns\""));
            Assert.That(back, Is.EqualTo(config));
            Assert.That(ConfigHash.Of(back), Is.EqualTo(ConfigHash.Of(config)));
            Assert.That(ConfigHash.Of(config), Is.Not.EqualTo(ConfigHash.Of(Presets.Tiny)));
        }
    }

    [TestCase("{\"StuckAt\": 3}", "Faults.StuckAt", "must be an array")]
    [TestCase("{\"StuckAt\": [ { \"Head\": 0, \"Matrix\": \"Q\", \"Row\": 0, \"Col\": 0, \"Bit\": 0 } ]}", "Faults.StuckAt[0].Value", "is missing")]
    [TestCase("{\"StuckAt\": [ { \"Head\": 0, \"Matrix\": \"W\", \"Row\": 0, \"Col\": 0, \"Bit\": 0, \"Value\": 1 } ]}", "Faults.StuckAt[0].Matrix", "must be one of Q, K, V, KCache, VCache, O")]
    [TestCase("{\"DeadColumns\": [ { \"Head\": 0, \"Matrix\": \"Q\", \"MacroRow\": 0, \"Col\": 0, \"Dead\": true } ]}", "Faults.DeadColumns[0].Dead", "is not a configuration key")]
    [TestCase("{\"Stuck\": []}", "Faults.Stuck", "is not a configuration key")]
    public void Malformed_fault_maps_are_reported_with_their_key_path(string faults, string path, string problem)
    {
        var obj = ConfigJson.ToJsonObject(Presets.Tiny);
        obj["Faults"] = System.Text.Json.Nodes.JsonNode.Parse(faults);
        var ex = Assert.Throws<ConfigException>(() => ConfigJson.Bind(obj));
        Assert.That(ex!.Errors.Select(e => e.Path + " " + e.Problem), Has.Some.StartsWith(path + " ").And.Some.Contains(problem));
    }

    [TestCase("Faults=1")]
    [TestCase("Faults.StuckAt=[]")]
    [TestCase("Faults.StuckAt.Head=1")]
    public void Set_cannot_write_the_fault_lists_and_says_where_to_write_them(string assignment)
    {
        var obj = ConfigJson.ToJsonObject(Presets.Tiny);
        var errors = new List<ConfigError>();
        ConfigJson.ApplyOverride(obj, assignment, errors);
        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { "Faults" }));
        Assert.That(errors[0].Fix, Does.Contain("faults draw"));
    }

    private static IEnumerable<TestCaseData> BadFaults()
    {
        yield return new TestCaseData(new StuckAtFault { Head = 1, Matrix = PimMatrix.Q }, "Faults.StuckAt[0].Head", "from 0 to 0").SetArgDisplayNames("head");
        yield return new TestCaseData(new StuckAtFault { Matrix = PimMatrix.O }, "Faults.StuckAt[0].Matrix", "no W_O").SetArgDisplayNames("no-W_O");
        yield return new TestCaseData(new StuckAtFault { Matrix = PimMatrix.Q, Row = 9999 }, "Faults.StuckAt[0].Row", "rows").SetArgDisplayNames("row");
        yield return new TestCaseData(new StuckAtFault { Matrix = PimMatrix.KCache, Col = -1 }, "Faults.StuckAt[0].Col", "columns").SetArgDisplayNames("col");
        yield return new TestCaseData(new StuckAtFault { Matrix = PimMatrix.Q, Bit = 8 }, "Faults.StuckAt[0].Bit", "holds 8 bits").SetArgDisplayNames("bit");
        yield return new TestCaseData(new StuckAtFault { Matrix = PimMatrix.Q, Value = 2 }, "Faults.StuckAt[0].Value", "stuck at 0 or at 1").SetArgDisplayNames("value");
        yield return new TestCaseData(new DeadColumnFault { Matrix = PimMatrix.VCache, MacroRow = 99 }, "Faults.DeadColumns[0].MacroRow", "macro(s) tall").SetArgDisplayNames("macro-row");
        yield return new TestCaseData(new DeadColumnFault { Matrix = PimMatrix.Q, Col = 4096 }, "Faults.DeadColumns[0].Col", "columns").SetArgDisplayNames("dead-col");
    }

    [TestCaseSource(nameof(BadFaults))]
    public void Every_fault_rule_names_its_key(object fault, string path, string problem)
    {
        var config = fault is StuckAtFault s ? WithFaults(Presets.Tiny, [s]) : WithFaults(Presets.Tiny, dead: [(DeadColumnFault)fault]);
        var errors = ConfigValidator.Validate(config);
        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { path }));
        Assert.That(errors[0].Problem, Does.Contain(problem));
        Assert.That(errors[0].Fix, Is.Not.Empty);
    }

    [Test]
    public void A_bit_stuck_at_0_and_at_1_at_once_is_refused()
    {
        var config = WithFaults(Presets.Tiny, [
            new StuckAtFault { Matrix = PimMatrix.V, Row = 3, Col = 4, Bit = 2, Value = 0 },
            new StuckAtFault { Matrix = PimMatrix.V, Row = 3, Col = 4, Bit = 2, Value = 0 },
            new StuckAtFault { Matrix = PimMatrix.V, Row = 3, Col = 4, Bit = 2, Value = 1 },
        ]);
        var errors = ConfigValidator.Validate(config);
        Assert.That(errors.Select(e => e.Path + ": " + e.Problem), Is.EqualTo(new[] { "Faults.StuckAt[2]: sticks the bit that Faults.StuckAt[0] sticks at 0 at 1." }));
    }

    [Test]
    public void Random_maps_are_reproducible_and_their_density_follows_the_rate()
    {
        const int seed = 7;
        TestContext.Out.WriteLine($"seed {seed}; replay: scripts/attnlego faults draw --preset tiny-mha4 --kind both --rate 0.01 --seed {seed}");
        var c = Presets.TinyMha4;
        var a = FaultMaps.Draw(c, FaultKind.Both, 0.01, seed);
        var (bits, columns) = FaultMaps.Population(c);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FaultMaps.Draw(c, FaultKind.Both, 0.01, seed), Is.EqualTo(a));
            Assert.That(FaultMaps.Draw(c, FaultKind.Both, 0.01, seed + 1), Is.Not.EqualTo(a));
            Assert.That(a.StuckAt.Count, Is.InRange(bits * 0.01 * 0.8, bits * 0.01 * 1.2));
            Assert.That(a.DeadColumns.Count, Is.InRange(1, columns * 0.01 * 3));
            Assert.That(a.StuckAt.Select(f => f.Value).Distinct().Order(), Is.EqualTo(new[] { 0, 1 }));
            Assert.That(a.StuckAt.Select(f => f.Matrix).Distinct(), Has.Member(PimMatrix.O).And.Member(PimMatrix.KCache));
            Assert.That(ConfigValidator.Validate(c with { Faults = a }), Is.Empty, "a drawn map is valid");
            Assert.That(FaultMaps.Draw(c, FaultKind.StuckAt, 0, seed).IsEmpty, Is.True);
            Assert.That(FaultMaps.Draw(c, FaultKind.DeadColumn, 1, seed).DeadColumns, Has.Count.EqualTo(columns));
            Assert.That(FaultMaps.Draw(c, FaultKind.DeadColumn, 0.5, seed).StuckAt, Is.Empty);
        }
    }

    [Test]
    public void Faults_lower_the_accuracy_and_a_rate_of_zero_changes_nothing()
    {
        var clean = FaultSweep.Run(Presets.Tiny, FaultKind.StuckAt, 0, 1, 1, 1, 8);
        var faulty = FaultSweep.Run(Presets.Tiny, FaultKind.Both, 0.02, 2, 1, 1, 8);
        var baseline = Accuracy.Run(Presets.Tiny, 1, 8);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(clean.MedianCosine, Is.EqualTo(baseline.Cosine));
            Assert.That(clean.MedianStuckBits, Is.Zero);
            Assert.That(faulty.MedianStuckBits, Is.GreaterThan(0));
            Assert.That(faulty.MedianDeadColumns, Is.GreaterThan(0));
            Assert.That(faulty.MedianCosine, Is.LessThan(baseline.Cosine - 0.01));
            Assert.That(faulty.WorstCosine, Is.LessThanOrEqualTo(faulty.MedianCosine));
        }
    }

    [Test]
    public void Fault_free_rtl_has_no_fault_logic_and_faulty_rtl_selects_by_macro_id()
    {
        var clean = RtlGenerator.Render(Presets.TinyMha4).Modules;
        Assert.That(clean.Select(m => m.Content), Has.None.Contains("Fault"));
        var config = Presets.TinyMha4 with { Faults = FaultMaps.Draw(Presets.TinyMha4, FaultKind.Both, 0.002, 3) };
        var modules = RtlGenerator.Render(config).Modules.ToDictionary(m => m.Name, m => m.Content);
        var faulty = PimFaults.Of(config).Macros.Select(p => p.Key).ToList();
        Assert.That(faulty, Is.Not.Empty);
        using (Assert.EnterMultipleScope())
        {
            foreach (var id in faulty)
            {
                Assert.That(modules["al_pim_macro.v"], Does.Contain($"\n      {id}: begin : g_faults\n"));
            }

            Assert.That(modules["al_array.v"], Does.Contain($"localparam integer HeadFaultBase = h * {new MacroLayout(config).PerHead};"));
            Assert.That(modules["al_oproj.v"], Does.Contain($".FaultBase   ({new MacroLayout(config).OutputBase})"));
        }
    }
}
