using System.Globalization;
using System.Text.RegularExpressions;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Packaging;

/// <summary>The CsrMap is the register map the RTL, the golden model and the docs use.</summary>
public sealed partial class CsrMapTests
{
    private static string ArchitectureDoc => File.ReadAllText(Path.Combine(TestEnvironment.RepositoryRoot, "docs", "ARCHITECTURE.md"));

    [TestCase("tiny")]
    [TestCase("tiny-mha4")]
    public void The_controller_RTL_uses_the_CsrMap_offsets_and_error_bits(string preset)
    {
        var controller = Packaged.Text(Packaged.Bundle(preset), "al_controller.v");
        Assert.That(RtlDifferences(controller), Is.Empty);
    }

    [Test]
    public void A_controller_with_a_moved_register_is_detected()
    {
        var controller = Packaged.Text(Packaged.Bundle("tiny"), "al_controller.v");
        var moved = controller.Replace("RegTokens = 8'h0c", "RegTokens = 8'h50", StringComparison.Ordinal);
        Assert.That(moved, Is.Not.EqualTo(controller), "the test edits a localparam that exists");
        Assert.That(RtlDifferences(moved), Has.One.Contains("TOKENS"));
    }

    [Test]
    public void The_map_is_word_aligned_unique_and_fits_the_address_port()
    {
        var offsets = CsrMap.Registers.Select(r => r.Offset).ToList();
        Assert.That(offsets, Is.Unique.And.Ordered);
        Assert.That(offsets, Has.All.Matches<int>(o => o % 4 == 0 && o < 1 << CsrMap.AddressBits));
        Assert.That(CsrMap.Registers.Select(r => r.Name), Is.Unique);
    }

    [Test]
    public void The_bit_fields_are_where_the_controller_template_and_the_constants_put_them()
    {
        // al_controller.v.sbn builds STATUS as { 28'd0, weights_q, |error_q, done_q, busy } and checks CTRL for one of three bits.
        Assert.That(CsrMap.StatusFields.Select(f => (f.Name, f.Bit, f.Mask)), Is.EqualTo(new[]
        {
            ("BUSY", 0, CsrMap.StatusBusy), ("DONE", 1, CsrMap.StatusDone), ("ERROR", 2, CsrMap.StatusError), ("WEIGHTS", 3, CsrMap.StatusWeights),
        }));
        Assert.That(CsrMap.CtrlCommands.Select(f => f.Mask), Is.EqualTo(new[] { CsrMap.CtrlLoad, CsrMap.CtrlDecode, CsrMap.CtrlClear }));
        Assert.That(CsrMap.ErrorFields.Select(f => f.Mask), Is.EqualTo(new[]
        {
            CsrMap.ErrBusy, CsrMap.ErrNoWeights, CsrMap.ErrOverflow, CsrMap.ErrAlign, CsrMap.ErrCommand,
        }));
        Assert.That(CsrMap.ErrorFields, Has.Count.EqualTo(CsrMap.ErrorBits));
        Assert.That(CsrMap.ErrorFields.Aggregate(0u, (m, f) => m | f.Mask), Is.EqualTo(CsrMap.ErrorMask));
    }

    [Test]
    public void The_golden_model_names_every_register_of_the_map()
    {
        Assert.That(CsrMap.At(CsrMap.MaxSeqLen)!.Name, Is.EqualTo("MAX_SEQ_LEN"));
        Assert.That(CsrMap.At(CsrMap.WBase + 3)!.Name, Is.EqualTo("W_BASE"), "the two low offset bits are ignored");
        Assert.That(CsrMap.At(0x80), Is.Null);
    }

    [Test]
    public void The_architecture_doc_holds_the_register_table_of_the_CsrMap()
    {
        Assert.That(ArchitectureDoc, Does.Contain(CsrMap.MarkdownTable()),
            "docs/ARCHITECTURE.md's register table differs from CsrMap.MarkdownTable(): paste the table the CsrMap renders");
    }

    [Test]
    public void A_doc_table_that_drifted_is_detected()
    {
        var drifted = ArchitectureDoc.Replace("| 0x0c | TOKENS |", "| 0x10 | TOKENS |", StringComparison.Ordinal);
        Assert.That(drifted, Is.Not.EqualTo(ArchitectureDoc), "the test edits a row that exists");
        Assert.That(drifted, Does.Not.Contain(CsrMap.MarkdownTable()));
    }

    /// <summary>Every register and error bit whose localparam in <paramref name="controller"/> differs from the CsrMap.</summary>
    private static List<string> RtlDifferences(string controller)
    {
        var registers = RegisterParam().Matches(controller)
            .ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        var errors = ErrorParams().Match(controller).Groups[1].Value.Split(", ")
            .Select(p => p.Split(" = ")).ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture));
        var differences = new List<string>();
        foreach (var r in CsrMap.Registers)
        {
            var found = registers.TryGetValue(r.VerilogName, out var offset);
            if (!found || offset != r.Offset)
            {
                differences.Add($"{r.Name}: CsrMap 0x{r.Offset:x2}, RTL {(found ? $"0x{offset:x2}" : "missing")}");
            }
        }

        if (registers.Count != CsrMap.Registers.Count)
        {
            differences.Add($"the RTL has {registers.Count} register localparams, the CsrMap {CsrMap.Registers.Count}");
        }

        var expectedErrors = CsrMap.ErrorFields.ToDictionary(f => "Err" + string.Concat(f.Name.Split('_').Select(w => w[0] + w[1..].ToLowerInvariant())), f => f.Bit);
        if (!errors.OrderBy(e => e.Key).SequenceEqual(expectedErrors.OrderBy(e => e.Key)))
        {
            differences.Add($"ERROR bits: RTL {string.Join(", ", errors)}, CsrMap {string.Join(", ", expectedErrors)}");
        }

        if (!controller.Contains($"localparam [31:0] Id = 32'h{CsrMap.IdValue:x8};", StringComparison.Ordinal))
        {
            differences.Add("ID value");
        }

        return differences;
    }

    [GeneratedRegex(@"\b(Reg\w+) = 8'h([0-9a-f]{2})")]
    private static partial Regex RegisterParam();

    [GeneratedRegex(@"localparam integer (ErrBusy = .*);")]
    private static partial Regex ErrorParams();
}
