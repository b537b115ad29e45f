using AttentionLego.Cosim;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Reporting;
using AttentionLego.Gen.Rendering;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

/// <summary>Facts derived from a configuration have one home; the places that report them agree with it.</summary>
public sealed class DerivedFactsTests
{
    [Test]
    public void The_register_hash_is_the_first_eight_hex_digits_of_the_config_hash()
    {
        var c = Presets.TinyMha4;
        var other = c with { Quant = c.Quant with { QShift = c.Quant.QShift + 1 } };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ConfigHash.Of(c), Has.Length.EqualTo(16));
            Assert.That(ConfigHash.Register(c).ToString("x8", System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(ConfigHash.Of(c)[..8]));
            Assert.That(ConfigHash.Of(other), Is.Not.EqualTo(ConfigHash.Of(c)));
        }
    }

    [Test]
    public void Weight_bytes_count_three_projections_per_head_and_w_o_once()
    {
        // tiny-mha4: 4 heads of 3 x (64 x 16) 8-bit weights, then W_O of (4 x 16) x 64.
        var c = Presets.TinyMha4;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(c.HeadWeightBytes, Is.EqualTo(3 * 64 * 16 * c.Format.WeightWidth / 8));
            Assert.That(c.OutputWeightBytes, Is.EqualTo(64 * 64 * c.Format.WeightWidth / 8));
            Assert.That(c.WeightBytes, Is.EqualTo((4 * c.HeadWeightBytes) + c.OutputWeightBytes));
            Assert.That(Presets.Tiny.OutputWeightBytes, Is.Zero);
            Assert.That(Presets.Tiny.WeightBytes, Is.EqualTo(Presets.Tiny.HeadWeightBytes));
        }
    }

    [TestCase("tiny")]
    [TestCase("tiny-mha2")]
    [TestCase("tiny-mha4")]
    [TestCase("paper-mha")]
    public void The_report_the_linter_and_the_macro_ids_count_the_same_macros(string preset)
    {
        var c = Presets.Find(preset)!.Config;
        var layout = new MacroLayout(c);
        var byMatrix = ((long)c.Model.Heads * ((3 * c.ProjectionShape.MacroCount) + c.ScoreShape.MacroCount + c.ContextShape.MacroCount))
            + (c.Model.OutputProjection ? c.OutputProjectionShape.MacroCount : 0);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(layout.Macros, Is.EqualTo(byMatrix));
            Assert.That(layout.Total, Is.EqualTo(byMatrix));
            Assert.That(ConfigReport.TotalMacros(c), Is.EqualTo(byMatrix));
            Assert.That(Linter.ElaboratedMacros(c, RtlBundle.TopModule(c)), Is.EqualTo(c.Model.IsArray ? byMatrix : layout.PerHead));
        }
    }

    [Test]
    public void Status_reads_each_field_at_its_csr_map_bit()
    {
        var read = ControllerView.StatusConcatenation(CsrMap.StatusFields);
        var terms = read.Trim('{', '}', ' ').Split(", ").Skip(1).Reverse().ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(read, Is.EqualTo("{ 28'd0, weights_q, |error_q, done_q, busy }"));
            Assert.That(terms.IndexOf("busy"), Is.EqualTo(CsrMap.StatusFields.Single(f => f.Name == "BUSY").Bit));
            Assert.That(terms.IndexOf("done_q"), Is.EqualTo(BitIndex(CsrMap.StatusDone)));
            Assert.That(terms.IndexOf("|error_q"), Is.EqualTo(BitIndex(CsrMap.StatusError)));
            Assert.That(terms.IndexOf("weights_q"), Is.EqualTo(BitIndex(CsrMap.StatusWeights)));
        }
    }

    [Test]
    public void Status_refuses_fields_a_concatenation_cannot_place()
    {
        var gap = CsrMap.StatusFields.Select(f => f.Name == "WEIGHTS" ? f with { Bit = 5 } : f).ToList();
        var unknown = CsrMap.StatusFields.Append(new CsrField("PARITY", 4, 1, "")).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => ControllerView.StatusConcatenation(gap), Throws.InvalidOperationException.With.Message.Contains("without a gap"));
            Assert.That(() => ControllerView.StatusConcatenation(unknown), Throws.InvalidOperationException.With.Message.Contains("PARITY"));
        }
    }

    [Test]
    public void Bench_words_are_the_vector_itself_up_to_the_chunk_limit()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(WideVectors.Chunk(100), Is.EqualTo(100));
            Assert.That(WideVectors.Chunk(102_400), Is.EqualTo(WideVectors.ChunkBits));
            Assert.That(WideVectors.ChunkBits * 2, Is.EqualTo(8192), "half of Verilator's 8192-bit argument and replication limit");
        }
    }

    private static int BitIndex(uint mask) => System.Numerics.BitOperations.TrailingZeroCount(mask);
}
