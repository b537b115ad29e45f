using AttentionLego.Cosim;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Cosim;

/// <summary>
/// Shapes whose vectors are wider than one bench word (4096 bits) and not a whole number of words co-simulate
/// bit-exactly on every bench (issue 16: <c>cosim --module pim_matrix --set Model.DModel=528</c> did not build). Two
/// configurations of 16-bit data on 32x32 macros cover every bench's wide input and output, each module built once.
/// </summary>
[Category(Tier.Tools)]
public sealed class WideShapeCosimTests
{
    private const int Word = 4096;

    /// <summary>d_model 288 and a sequence of 288 16-bit values: 4608 bits each (scores and accumulators wider still).</summary>
    private static readonly string[] TokenAndSequence =
        ["Format.DataWidth=16", "Pim.Rows=32", "Pim.Cols=32", "Model.DModel=288", "Model.DHead=32", "Model.MaxSeqLen=288", "Softmax.ProbBits=16"];

    /// <summary>d_head 288 of 16-bit data: q, k, v and the context are 4608 bits, the projections' accumulators more.</summary>
    private static readonly string[] Head = ["Format.DataWidth=16", "Pim.Rows=32", "Pim.Cols=32", "Model.DModel=32", "Model.DHead=288", "Model.MaxSeqLen=32"];

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var module in new[] { "pim_matrix", "qkv", "softmax", "top" })
        {
            yield return new TestCaseData("token-and-sequence", TokenAndSequence, module).SetArgDisplayNames("token-and-sequence", module);
        }

        foreach (var module in new[] { "score", "context", "requant", "array" })
        {
            yield return new TestCaseData("head", Head, module).SetArgDisplayNames("head", module);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public async Task A_vector_wider_than_a_bench_word_and_not_a_multiple_of_it_co_simulates_bit_exactly(string shape, string[] overrides, string module)
    {
        var source = ConfigSource.FromPreset("tiny", overrides);
        var config = ConfigLoader.Load(source);
        var partial = BenchVectors(config, module).Where(v => v.Bits > Word && v.Bits % Word != 0).ToList();
        Assert.That(partial, Is.Not.Empty, $"{shape}: {module} moves a vector of more than {Word} bits whose last word is partly filled");
        TestContext.Out.WriteLine($"{module} on {shape}: " + string.Join(", ", partial.Select(v => $"{v.Name} {v.Bits} bits")));
        await CosimHarness.AssertPasses(new CosimRequest(source, module, 1, 1), minCompared: 3);
    }

    /// <summary>The vectors a bench writes into its stimulus or reads from its trace, with their widths.</summary>
    private static IEnumerable<(string Name, long Bits)> BenchVectors(AttentionConfig c, string module)
    {
        var (m, dw) = (c.Model, c.Format.DataWidth);
        var score = c.ScoreShape.AccWidth;
        var prob = c.Softmax.ProbBits;
        (string, long)[] whole = [("q/k/v/o", (long)m.DHead * dw), ("scores", (long)m.MaxSeqLen * score), ("probabilities", (long)m.MaxSeqLen * prob)];
        return module switch
        {
            "pim_matrix" => [("x", (long)m.DModel * dw), ("y", (long)m.DHead * c.ProjectionShape.AccWidth)],
            "qkv" => [("x", (long)m.DModel * dw), ("q/k/v", (long)m.DHead * dw)],
            "score" => [("q/k", (long)m.DHead * dw), ("scores", (long)m.MaxSeqLen * score)],
            "softmax" => [("scores", (long)m.MaxSeqLen * new SoftmaxModel(c).ScoreWidth), ("probabilities", (long)m.MaxSeqLen * prob)],
            "context" => [("v", (long)m.DHead * dw), ("p", (long)m.MaxSeqLen * prob), ("o", (long)m.DHead * dw)],
            "requant" => [("accumulators", (long)m.DHead * c.ProjectionShape.AccWidth), ("q", (long)m.DHead * dw)],
            "top" => whole,
            "array" => [.. whole, ("row", (long)m.RowElements * dw)],
            _ => [],
        };
    }
}
