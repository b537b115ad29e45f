using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// The integer inputs of one accuracy experiment: W_Q, W_K, W_V (d_model x d_head, Format.WeightWidth bits) and
/// the tokens (d_model values of Format.DataWidth bits each), drawn by <c>Accuracy.Draw</c> (Experiments).
/// </summary>
public sealed record AccuracyInputs(int Seed, HeadScales Scales, long[,] Wq, long[,] Wk, long[,] Wv, long[][] Tokens);

/// <summary>The integer inputs of an array: each head's W_Q, W_K, W_V, W_O (null without the output projection) and the tokens.</summary>
public sealed record ArrayInputs(int Seed, HeadScales Scales, IReadOnlyList<(long[,] Wq, long[,] Wk, long[,] Wv)> Heads, long[,]? Wo,
    long[][] Tokens)
{
    /// <summary>A <see cref="MultiHeadAttention"/> holding these weights (<paramref name="ct"/> is checked per head: paper-mha's take seconds).</summary>
    public MultiHeadAttention Load(AttentionConfig config, CancellationToken ct = default)
    {
        var model = new MultiHeadAttention(config);
        for (var h = 0; h < Heads.Count; h++)
        {
            ct.ThrowIfCancellationRequested();
            model.Heads[h].LoadWeights(Projection.Query, Heads[h].Wq);
            model.Heads[h].LoadWeights(Projection.Key, Heads[h].Wk);
            model.Heads[h].LoadWeights(Projection.Value, Heads[h].Wv);
        }

        if (Wo is not null)
        {
            ct.ThrowIfCancellationRequested();
            model.LoadOutputWeights(Wo);
        }

        return model;
    }
}
