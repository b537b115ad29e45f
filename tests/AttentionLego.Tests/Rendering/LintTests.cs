using System.Text.RegularExpressions;
using AttentionLego.Cosim;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Rendering;

/// <summary>
/// Every preset, several awkward shapes and <see cref="RandomCount"/> seeded random configurations lint with zero
/// verilator -Wall diagnostics, and no template (nor any preset's rendered RTL) carries a Verilator waiver.
/// </summary>
public sealed partial class LintTests
{
    /// <summary>The master seed of the random configurations (fixed: the same draws on every run and machine).</summary>
    public const int RandomSeed = 7;

    /// <summary>
    /// Random draws linted. Measured on the shared 2-core machine under load: 20 take about 260 s in all (4 to 29 s each,
    /// every module as top), against about 18 min for the paper-sized presets above.
    /// </summary>
    public const int RandomCount = 20;

    private static IEnumerable<TestCaseData> Configs()
    {
        foreach (var preset in Presets.All)
        {
            yield return new TestCaseData(preset.Config).SetArgDisplayNames(preset.Name).Sized(preset.Config);
        }

        var tiny = Presets.Tiny;
        yield return new TestCaseData(tiny with { Model = tiny.Model with { DModel = 16 } }).SetArgDisplayNames("one-macro");
        yield return new TestCaseData(Presets.WithIdealAdc(tiny with { Pim = tiny.Pim with { Cols = 8, AdcCount = 2 } })).SetArgDisplayNames("non-square-16x8");
        yield return new TestCaseData(Presets.WithIdealAdc(tiny with { Pim = tiny.Pim with { SliceBits = 1 } })).SetArgDisplayNames("1-bit-slices");
        yield return new TestCaseData(Presets.WithIdealAdc(tiny with { Pim = tiny.Pim with { SliceBits = 8, InputLanes = 16, AdcCount = 16 } })).SetArgDisplayNames("one-slice-one-group");
        yield return new TestCaseData(tiny with { Pim = tiny.Pim with { AdcBits = 20 } }).SetArgDisplayNames("adc-wider-than-sum");
        yield return new TestCaseData(tiny with { Pim = tiny.Pim with { AdcBits = 32 } }).SetArgDisplayNames("adc-wider-than-accumulator");
        yield return new TestCaseData(tiny with { Pim = tiny.Pim with { AdcBits = 6, AdcShift = 6 } }).SetArgDisplayNames("lossy-adc");
        yield return new TestCaseData(tiny with { Model = tiny.Model with { MaxSeqLen = 48 }, Pim = tiny.Pim with { AdcCount = 1 } })
            .SetArgDisplayNames("one-adc-three-cache-macros");
        yield return new TestCaseData(tiny with { Model = tiny.Model with { Heads = 3, OutputProjection = true }, Bus = tiny.Bus with { DataWidth = 8 } })
            .SetArgDisplayNames("three-heads-W_O-byte-bus");
        // d_head 640 of 16-bit data: al_array's loaders tie off a 10,240-bit output port, more than a Verilator replication may be.
        yield return new TestCaseData(tiny with
        {
            Model = tiny.Model with { Heads = 2, DModel = 128, DHead = 640, MaxSeqLen = 128 },
            Format = tiny.Format with { DataWidth = 16 },
            Pim = tiny.Pim with { Rows = 128, Cols = 128 },
        }).SetArgDisplayNames("two-heads-of-10240-bits");
    }

    [Category(Tier.Tools)]
    [TestCaseSource(nameof(Configs))]
    public async Task Every_module_lints_clean_under_verilator_Wall(AttentionConfig config) => await AssertLintsClean(config, replay: null);

    private static IEnumerable<TestCaseData> RandomDraws() =>
        Enumerable.Range(0, RandomCount).Select(i => new TestCaseData(i).SetArgDisplayNames($"random-{RandomConfigs.Format(RandomSeed, i)}"));

    [Category(Tier.Tools)]
    [TestCaseSource(nameof(RandomDraws))]
    public async Task Every_module_of_a_random_configuration_lints_clean(int index)
    {
        var replay = $"scripts/attnlego lint --random-config {RandomConfigs.Format(RandomSeed, index)}";
        TestContext.Out.WriteLine($"master seed {RandomSeed}, draw {index}; replay: {replay}");
        await AssertLintsClean(RandomConfigs.Draw(RandomSeed, index), replay);
    }

    private static async Task AssertLintsClean(AttentionConfig config, string? replay)
    {
        Assert.That(ConfigValidator.Validate(config), Is.Empty, replay);
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        var results = await Tier.OneLargeAtATime(config, () => Linter.LintAsync(verilator, RtlGenerator.Render(config)));
        Assert.That(results, Is.Not.Empty);
        var suffix = replay is null ? "" : $"\nreplay: {replay}";
        foreach (var result in results)
        {
            Assert.That(result.Diagnostics, Is.Empty, $"{result.TopModule}:\n{string.Join("\n", result.Diagnostics)}{suffix}");
            Assert.That(result.Clean, Is.True, result.TopModule + suffix);
        }
    }

    /// <summary>
    /// Lines that would switch a Verilator check off or otherwise steer Verilator: <c>lint_off</c> (in a metacomment or a
    /// .vlt file) and any <c>// verilator ...</c> or <c>/* verilator ... */</c> metacomment (Verilator reads only the
    /// lowercase word). Prose that merely names Verilator ("the Verilator main", "Verilator's unused_* convention") is not one.
    /// </summary>
    public static IReadOnlyList<string> Waivers(string text) =>
    [
        .. text.Split('\n').Select((line, i) => (Line: line, Number: i + 1))
            .Where(l => WaiverPattern().IsMatch(l.Line))
            .Select(l => $"line {l.Number}: {l.Line.Trim()}"),
    ];

    [Test]
    public void No_template_carries_a_verilator_waiver()
    {
        Assert.That(TemplateRenderer.TemplateNames, Has.Count.GreaterThan(20), "every template is embedded");
        using (Assert.EnterMultipleScope())
        {
            foreach (var name in TemplateRenderer.TemplateNames)
            {
                Assert.That(Waivers(TemplateRenderer.ReadTemplate(name)), Is.Empty, name);
            }
        }
    }

    [Test]
    public void No_preset_renders_a_verilator_waiver()
    {
        // The view-models put names and tables into the RTL: the rendered text is checked too, not only the templates.
        using (Assert.EnterMultipleScope())
        {
            foreach (var preset in Presets.All)
            {
                foreach (var file in RtlGenerator.Render(preset.Config).Modules)
                {
                    Assert.That(Waivers(file.Content), Is.Empty, $"{preset.Name}: {file.Name}");
                }
            }
        }
    }

    [TestCase("  // verilator lint_off WIDTH")]
    [TestCase("  /* verilator lint_off UNUSEDSIGNAL */")]
    [TestCase("  wire unused_x; /*verilator lint_off UNUSED*/")]
    [TestCase("  //verilator public_flat_rw")]
    [TestCase("  // verilator tracing_off")]
    [TestCase("lint_off -rule WIDTH -file \"*\"")]
    [TestCase("  // Lint_Off WIDTH")]
    public void The_waiver_check_finds_a_waiver(string line)
    {
        var text = "module al_x;\n" + line + "\nendmodule\n";
        Assert.That(Waivers(text), Is.EqualTo(new[] { $"line 2: {line.Trim()}" }));
    }

    [TestCase("// Verilator main for al_tb_top: toggles the clock until the bench calls $finish.")]
    [TestCase("      // (Verilator's unused_* convention, not a waiver).")]
    [TestCase("  // The clock comes from outside (the Verilator main drives clk_i).")]
    public void The_waiver_check_leaves_prose_about_verilator_alone(string line) =>
        Assert.That(Waivers("module al_x;\n" + line + "\nendmodule\n"), Is.Empty);

    [GeneratedRegex(@"(?i:lint_(off|on|save|restore))\b|(//|/\*)\s*verilator\s+\w", RegexOptions.CultureInvariant)]
    private static partial Regex WaiverPattern();

    [Test]
    public void Only_a_hierarchy_too_large_to_elaborate_is_linted_with_the_matrix_as_a_black_box()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Linter.ElaboratedMacros(Presets.PaperMha, "al_array"), Is.EqualTo(5120));
            Assert.That(Linter.ElaboratedMacros(Presets.PaperMha, "al_oproj"), Is.EqualTo(1024));
            Assert.That(Linter.ElaboratedMacros(Presets.Paper, "al_top"), Is.EqualTo(128));
            Assert.That(Linter.ElaboratedMacros(Presets.PaperMha, "al_oproj"), Is.LessThanOrEqualTo(Linter.MaxElaboratedMacros));
            Assert.That(Linter.ElaboratedMacros(Presets.PaperMha, "al_array"), Is.GreaterThan(Linter.MaxElaboratedMacros));
            Assert.That(Linter.PeakElaboratedMacros(Presets.PaperMha), Is.EqualTo(1024), "al_oproj's W_O: al_array and al_head are linted boxed");
            Assert.That(Linter.PeakElaboratedMacros(Presets.Paper), Is.EqualTo(128), "al_top and al_head, in full");
            Assert.That(Linter.PeakElaboratedMacros(Presets.PaperMha, maxMacros: 64), Is.EqualTo(32), "al_pim_matrix is elaborated in full whatever the limit");
        }

        var matrix = RtlGenerator.Render(Presets.Tiny).Modules.Single(m => m.Name == "al_pim_matrix.v").Content;
        var box = Linter.BlackBox(matrix);
        Assert.That(box, Does.Contain("module al_pim_matrix #(").And.Contain("output wire [OutDim*AccWidth-1:0]  y_data_o").And.EndWith("endmodule\n"));
        Assert.That(box, Does.Contain("for (zero_bit = 0; zero_bit < (OutDim*AccWidth); zero_bit = zero_bit + 4096) begin : g_zero_y_data_o"));
        Assert.That(box, Does.Not.Contain("always").And.Not.Contain("lint_off"), "no logic, and no waiver");
    }

    [Test]
    public void A_matrix_too_large_to_elaborate_is_refused_with_its_figure()
    {
        var tiny = Presets.Tiny;
        var wide = tiny with { Model = tiny.Model with { DModel = 65536 } };
        Assert.That(ConfigValidator.Validate(wide), Is.Empty, "a valid configuration");
        Assert.That(Linter.Unelaborable(wide), Does.StartWith("al_pim_matrix cannot be elaborated in full: the Q/K/V projection matrix (65536 x 16 weights on 16x16 macros) holds 4,096 PIM macros, more than the 2,048")
            .And.Contain("Fix: lint a configuration whose matrices hold at most 2,048 macros each"));
        var longCache = tiny with { Model = tiny.Model with { MaxSeqLen = 65536 } };
        Assert.That(Linter.Unelaborable(longCache), Does.StartWith("al_score cannot be elaborated in full: the K cache (score) matrix"),
            "the caches are matrices of their own, elaborated in full only by al_score and al_context");
        using (Assert.EnterMultipleScope())
        {
            foreach (var preset in Presets.All)
            {
                Assert.That(Linter.Unelaborable(preset.Config), Is.Null, preset.Name + ": paper-mha's al_array is black-boxed, but every matrix is linted in full on its own");
            }

            for (var i = 0; i < RandomCount; i++)
            {
                Assert.That(Linter.Unelaborable(RandomConfigs.Draw(RandomSeed, i)), Is.Null, $"random {RandomSeed}:{i}");
            }
        }
    }

    [Category(Tier.Tools)]
    [Test]
    public async Task A_module_whose_matrix_is_elaborated_nowhere_in_full_is_not_linted_and_never_clean()
    {
        // tiny's W_Q is 4 macros: with a limit of 2, al_pim_matrix as its own top would be its own black box (nothing), and
        // al_qkv, al_head and al_top lint their own logic around black boxes. The K and V caches (2 macros each) stay in full.
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        var results = await Linter.LintAsync(verilator, RtlGenerator.Render(Presets.Tiny), maxMacros: 2);
        var matrix = results.Single(r => r.TopModule == "al_pim_matrix");
        Assert.That(matrix.Clean, Is.False);
        Assert.That(matrix.Diagnostics, Has.Some.StartsWith("not linted: al_pim_matrix cannot be elaborated in full").And.Some.Contains("holds 4 PIM macros, more than the 2"));
        Assert.That(results.Where(r => r.TopModule != "al_pim_matrix" && !r.Clean).Select(r => r.TopModule + ": " + string.Join("; ", r.Diagnostics)), Is.Empty,
            "the modules around the black box still lint clean: their own logic was checked, and W_Q is reported once, by its owner");
        Assert.That(results.Single(r => r.TopModule == "al_qkv").Note, Does.Contain("al_pim_matrix as a black box"));
        Assert.That(results.Single(r => r.TopModule == "al_score").Note, Is.Null, "2 macros: elaborated in full");
    }

    [Category(Tier.Tools)]
    [Test]
    public async Task The_black_box_lints_clean_on_its_own_without_a_waiver()
    {
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        // W_O's shape: y_data_o is 102,400 bits, more than Verilator lets one replication be.
        var wo = Presets.PaperMha.OutputProjectionShape;
        var matrix = RtlGenerator.Module("al_pim_matrix", Presets.PaperMha, b => PimMatrixView.From(wo, b)).Content;
        Assert.That(matrix, Does.Contain($"parameter OutDim      = {wo.OutDim},"));
        await File.WriteAllTextAsync(temp.Combine("al_pim_matrix.v"), Linter.BlackBox(matrix));
        var result = await verilator.LintAsync(temp.Path, ["al_pim_matrix.v"], "al_pim_matrix");
        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics));
        Assert.That(result.Clean, Is.True);
    }

    [Category(Tier.Tools)]
    [Test]
    public async Task The_linter_reports_a_warning_when_there_is_one()
    {
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        var bundle = RtlGenerator.Render(Presets.Tiny);
        var broken = bundle with
        {
            Modules = [.. bundle.Modules.Select(m => m.Name == "al_pim_macro.v"
                ? m with { Content = m.Content.Replace("endmodule", "  wire dangling_on_purpose;\nendmodule", StringComparison.Ordinal) }
                : m)],
        };
        var results = await Linter.LintAsync(verilator, broken);
        var macro = results.Single(r => r.TopModule == "al_pim_macro");
        Assert.That(macro.Clean, Is.False);
        Assert.That(macro.Diagnostics, Has.Some.Contains("dangling_on_purpose"));
    }
}
