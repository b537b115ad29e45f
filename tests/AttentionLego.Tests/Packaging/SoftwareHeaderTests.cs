using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Packaging;

/// <summary>
/// The generated C header (al_regs.h) compiles as strict C99, and a C program that includes it prints exactly the
/// values the generator holds: the CsrMap, the configuration, and what the RTL's ID and CONFIG_HASH registers read.
/// </summary>
public sealed partial class SoftwareHeaderTests
{
    private static IEnumerable<string> Presets => Packaged.Presets;

    [Category(Tier.Tools)]
    [TestCaseSource(nameof(Presets))]
    public void The_header_compiles_as_strict_C99_even_when_included_twice(string preset)
    {
        var cc = Packaged.RequireCc();
        using var temp = new TempFolder();
        Packaged.WriteTo(Packaged.Bundle(preset), temp.Path);
        File.WriteAllText(temp.Combine("twice.c"), "#include \"al_regs.h\"\n#include \"al_regs.h\"\nint main(void) { return (int)AL_REG_CTRL; }\n");
        var header = Packaged.Run(temp.Path, cc, "-fsyntax-only", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-x", "c",
            SoftwareHeader.FileName);
        Assert.That(header.ExitCode, Is.Zero, header.Output);
        var twice = Packaged.Run(temp.Path, cc, "-fsyntax-only", "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "twice.c");
        Assert.That(twice.ExitCode, Is.Zero, twice.Output);
    }

    [Category(Tier.Tools)]
    [TestCaseSource(nameof(Presets))]
    public void A_C_program_reads_the_values_the_generator_holds(string preset)
    {
        var bundle = Packaged.Bundle(preset);
        var header = Packaged.Text(bundle, SoftwareHeader.FileName);
        var expected = Expected(bundle);
        Assert.That(Defined(header), Is.EquivalentTo(expected.Keys), "the header defines exactly the checked names");
        Assert.That(Mismatches(header, expected), Is.Empty);
    }

    [Category(Tier.Tools)]
    [Test]
    public void A_header_with_a_wrong_register_offset_is_detected()
    {
        var bundle = Packaged.Bundle("tiny");
        var header = Packaged.Text(bundle, SoftwareHeader.FileName);
        var wrong = header.Replace("#define AL_REG_STATUS UINT32_C(0x04)", "#define AL_REG_STATUS UINT32_C(0x05)", StringComparison.Ordinal);
        Assert.That(wrong, Is.Not.EqualTo(header), "the test edits a line that exists");
        Assert.That(Mismatches(wrong, Expected(bundle)), Has.One.Contains("AL_REG_STATUS"));
    }

    [Category(Tier.Tools)]
    [Test]
    public void A_header_with_a_wrong_configuration_value_is_detected()
    {
        var bundle = Packaged.Bundle("tiny");
        var header = Packaged.Text(bundle, SoftwareHeader.FileName);
        var wrong = header.Replace("#define AL_D_HEAD UINT32_C(16)", "#define AL_D_HEAD UINT32_C(17)", StringComparison.Ordinal);
        Assert.That(wrong, Is.Not.EqualTo(header), "the test edits a line that exists");
        Assert.That(Mismatches(wrong, Expected(bundle)), Has.One.Contains("AL_D_HEAD"));
    }

    [Test]
    public void The_config_hash_is_what_the_RTL_register_reads()
    {
        var bundle = Packaged.Bundle("paper");
        var controller = Packaged.Text(bundle, "al_controller.v");
        var rtl = RtlHash().Match(controller);
        Assert.That(rtl.Success, Is.True, "al_controller.v has its ConfigHash parameter");
        Assert.That(Packaged.Text(bundle, SoftwareHeader.FileName), Does.Contain($"#define AL_CONFIG_HASH UINT32_C(0x{rtl.Groups[1].Value})"));
        Assert.That(rtl.Groups[1].Value, Is.EqualTo(bundle.ConfigHash[..8]));
    }

    [Test]
    public void Two_renders_are_byte_identical()
    {
        Assert.That(SoftwareHeader.Render(Packaged.Config("tiny-mha4")), Is.EqualTo(SoftwareHeader.Render(Packaged.Config("tiny-mha4"))));
    }

    /// <summary>Every value the header must hold, computed here from the configuration, the CsrMap and the RTL text.</summary>
    private static Dictionary<string, string> Expected(RtlBundle bundle)
    {
        var c = bundle.Config;
        var m = c.Model;
        var controller = Packaged.Text(bundle, "al_controller.v");
        string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        var rowElements = m.IsArray ? (m.OutputProjection ? m.DModel : m.Heads * m.DHead) : m.DHead;
        var headWeights = 3L * m.DModel * m.DHead * c.Format.WeightWidth / 8;
        var woWeights = m.OutputProjection ? (long)m.Heads * m.DHead * m.DModel * c.Format.WeightWidth / 8 : 0;
        var weights = (m.IsArray ? m.Heads : 1) * headWeights + woWeights;
        var rowBytes = rowElements * c.Format.DataWidth / 8;
        var layout = m.IsArray ? MemoryLayout.ForArray(c) : MemoryLayout.For(c);
        Assert.That((layout.TokenBytes, layout.OutputBytes), Is.EqualTo((m.DModel * c.Format.DataWidth / 8, rowBytes)),
            "MemoryLayout agrees with the sizes computed here");
        Assert.That(layout.XBase - layout.WBase, Is.GreaterThanOrEqualTo(weights), "the layout leaves room for every weight");
        var expected = new Dictionary<string, string>
        {
            ["AL_TOP_MODULE"] = m.IsArray ? "al_array" : "al_top",
            ["AL_CONFIG_HASH_STR"] = bundle.ConfigHash,
            ["AL_CONFIG_HASH"] = N(Convert.ToUInt32(RtlHash().Match(controller).Groups[1].Value, 16)),
            ["AL_ID_VALUE"] = N(Convert.ToUInt32(RtlId().Match(controller).Groups[1].Value, 16)),
            ["AL_HEADS"] = N(m.Heads),
            ["AL_OUTPUT_PROJECTION"] = m.OutputProjection ? "1" : "0",
            ["AL_D_MODEL"] = N(m.DModel),
            ["AL_D_HEAD"] = N(m.DHead),
            ["AL_MAX_SEQ_LEN"] = N(m.MaxSeqLen),
            ["AL_DATA_WIDTH"] = N(c.Format.DataWidth),
            ["AL_WEIGHT_WIDTH"] = N(c.Format.WeightWidth),
            ["AL_BUS_WIDTH"] = N(c.Bus.DataWidth),
            ["AL_BUS_BYTES"] = N(c.Bus.DataWidth / 8),
            ["AL_HEAD_WEIGHT_BYTES"] = N(headWeights),
            ["AL_WO_WEIGHT_BYTES"] = N(woWeights),
            ["AL_WEIGHT_BYTES"] = N(weights),
            ["AL_WEIGHT_WORDS"] = N(weights * 8 / c.Bus.DataWidth),
            ["AL_TOKEN_BYTES"] = N(m.DModel * c.Format.DataWidth / 8),
            ["AL_OUTPUT_ROW_ELEMENTS"] = N(rowElements),
            ["AL_OUTPUT_ROW_BYTES"] = N(rowBytes),
            ["AL_OUTPUT_ROW_WORDS"] = N(rowBytes * 8 / c.Bus.DataWidth),
            ["AL_CSR_ADDR_BITS"] = N(CsrMap.AddressBits),
            ["AL_ERROR_ALL_MASK"] = N(CsrMap.ErrorMask),
        };
        foreach (var r in CsrMap.Registers)
        {
            expected["AL_REG_" + r.Name] = N(r.Offset);
            foreach (var f in r.Fields)
            {
                expected[$"AL_{r.Name}_{f.Name}_SHIFT"] = N(f.Bit);
                expected[$"AL_{r.Name}_{f.Name}_MASK"] = N(((1L << f.Width) - 1) << f.Bit);
                if (r.Name == "CTRL")
                {
                    expected[$"AL_CTRL_{f.Name}"] = N(1L << f.Bit);
                }
            }
        }

        return expected;
    }

    /// <summary>Compiles a program that includes <paramref name="header"/> and prints every expected name; lists the differences.</summary>
    private static List<string> Mismatches(string header, IReadOnlyDictionary<string, string> expected)
    {
        var cc = Packaged.RequireCc();
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine(SoftwareHeader.FileName), header);
        var program = new StringBuilder("#include <stdio.h>\n#include \"al_regs.h\"\n\nint main(void)\n{\n");
        foreach (var name in expected.Keys)
        {
            program.Append(name.EndsWith("_STR", StringComparison.Ordinal) || name == "AL_TOP_MODULE"
                ? $"  printf(\"{name}=%s\\n\", {name});\n"
                : $"  printf(\"{name}=%llu\\n\", (unsigned long long)({name}));\n");
        }

        program.Append("  return 0;\n}\n");
        File.WriteAllText(temp.Combine("print.c"), program.ToString());
        var build = Packaged.Run(temp.Path, cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-o", "print", "print.c");
        Assert.That(build.ExitCode, Is.Zero, "the program that prints the header's values compiles:\n" + build.Output);
        var run = Packaged.Run(temp.Path, temp.Combine("print"));
        Assert.That(run.ExitCode, Is.Zero, run.Output);
        var actual = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return [.. expected.Where(e => actual.GetValueOrDefault(e.Key) != e.Value)
            .Select(e => $"{e.Key}: the header says {actual.GetValueOrDefault(e.Key) ?? "(nothing)"}, the generator {e.Value}")];
    }

    private static IEnumerable<string> Defined(string header) =>
        DefineLine().Matches(header).Select(match => match.Groups[1].Value).Where(name => name != "AL_REGS_H");

    [GeneratedRegex(@"^#define (\w+)", RegexOptions.Multiline)]
    private static partial Regex DefineLine();

    [GeneratedRegex(@"parameter ConfigHash = 32'h([0-9a-f]{8})")]
    private static partial Regex RtlHash();

    [GeneratedRegex(@"localparam \[31:0\] Id = 32'h([0-9a-f]{8})")]
    private static partial Regex RtlId();
}
