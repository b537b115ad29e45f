using AttentionLego.Cosim;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Rendering;

/// <summary>Every preset and several awkward shapes lint with zero verilator -Wall diagnostics and no waivers.</summary>
public sealed class LintTests
{
    private static IEnumerable<TestCaseData> Configs()
    {
        foreach (var preset in Presets.All)
        {
            yield return new TestCaseData(preset.Config).SetArgDisplayNames(preset.Name);
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
    }

    [TestCaseSource(nameof(Configs))]
    public async Task Every_module_lints_clean_under_verilator_Wall(AttentionConfig config)
    {
        Assert.That(ConfigValidator.Validate(config), Is.Empty);
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        var results = await Linter.LintAsync(verilator, RtlGenerator.Render(config));
        Assert.That(results, Is.Not.Empty);
        foreach (var result in results)
        {
            Assert.That(result.Diagnostics, Is.Empty, $"{result.TopModule}:\n{string.Join("\n", result.Diagnostics)}");
            Assert.That(result.Clean, Is.True, result.TopModule);
        }
    }

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
        }

        var matrix = RtlGenerator.Render(Presets.Tiny).Modules.Single(m => m.Name == "al_pim_matrix.v").Content;
        var box = Linter.BlackBox(matrix);
        Assert.That(box, Does.Contain("module al_pim_matrix #(").And.Contain("output wire [OutDim*AccWidth-1:0]  y_data_o").And.EndWith(");\nendmodule\n"));
        Assert.That(box, Does.Not.Contain("always"));
    }

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
