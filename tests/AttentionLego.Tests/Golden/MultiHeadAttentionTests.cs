using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Tests.Golden;

public class MultiHeadAttentionTests
{
    private static (MultiHeadAttention Array, AttentionHead[] Alone, long[,]? Wo) Build(AttentionConfig config, int seed)
    {
        var rng = new Random(seed);
        var (dModel, dHead) = (config.Model.DModel, config.Model.DHead);
        var array = new MultiHeadAttention(config);
        var alone = new AttentionHead[config.Model.Heads];
        for (var h = 0; h < config.Model.Heads; h++)
        {
            alone[h] = new AttentionHead(config);
            foreach (var p in Enum.GetValues<Projection>())
            {
                var w = ReferenceMatrix.Fill(dModel, dHead, (_, _) => ReferenceMatrix.RandomValue(rng, config.Format.WeightWidth));
                array.Heads[h].LoadWeights(p, w);
                alone[h].LoadWeights(p, w);
            }
        }

        long[,]? wo = null;
        if (config.Model.OutputProjection)
        {
            wo = ReferenceMatrix.Fill(config.Model.Heads * dHead, dModel, (_, _) => ReferenceMatrix.RandomValue(rng, config.Format.WeightWidth));
            array.LoadOutputWeights(wo);
        }

        return (array, alone, wo);
    }

    [Test]
    public void Each_head_computes_what_it_computes_alone_and_the_row_concatenates_them_in_head_order()
    {
        var config = Presets.TinyMha2;
        var (array, alone, _) = Build(config, 3);
        var rng = new Random(4);
        for (var t = 0; t < 5; t++)
        {
            var x = ReferenceMatrix.RandomVector(rng, config.Model.DModel, config.Format.DataWidth);
            var step = array.Step(x);
            var expected = alone.SelectMany(h => h.Step(x).Output).ToArray();

            using (Assert.EnterMultipleScope())
            {
                Assert.That(step.Token, Is.EqualTo(t));
                Assert.That(step.Concatenation, Is.EqualTo(expected));
                Assert.That(step.Output, Is.EqualTo(expected), "without W_O the row is the concatenation");
                Assert.That(step.Output, Has.Length.EqualTo(config.Model.RowElements));
            }
        }
    }

    [Test]
    public void The_output_projection_requantizes_the_exact_product_of_the_concatenation_and_W_O()
    {
        var config = Presets.TinyMha4;
        var (array, _, wo) = Build(config, 5);
        var rng = new Random(6);
        for (var t = 0; t < 3; t++)
        {
            var step = array.Step(ReferenceMatrix.RandomVector(rng, config.Model.DModel, config.Format.DataWidth));
            var expected = ReferenceMatrix.Exact(step.Concatenation, wo!)
                .Select(v => FixedPoint.Requantize(v, config.Quant.OutputShift, config.Format.DataWidth)).ToArray();

            Assert.That(step.Output, Is.EqualTo(expected));
        }

        Assert.That(array.Count, Is.EqualTo(3));
    }

    [Test]
    public void Reset_starts_a_new_sequence_in_every_head()
    {
        var config = Presets.TinyMha2;
        var (array, _, _) = Build(config, 7);
        var x = ReferenceMatrix.RandomVector(new Random(8), config.Model.DModel, config.Format.DataWidth);
        var first = array.Step(x);
        array.Step(x);
        array.Reset();

        Assert.That(array.Step(x).Output, Is.EqualTo(first.Output));
    }

    [Test]
    public void W_O_is_refused_without_the_output_projection_and_at_the_wrong_size()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new MultiHeadAttention(Presets.TinyMha2).LoadOutputWeights(new long[32, 64]),
                Throws.InvalidOperationException.With.Message.Contains("no output projection"));
            Assert.That(() => new MultiHeadAttention(Presets.TinyMha4).LoadOutputWeights(new long[32, 64]),
                Throws.ArgumentException.With.Message.Contains("W_O must be 64x64"));
        }
    }
}
