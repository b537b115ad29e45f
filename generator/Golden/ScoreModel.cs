using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Golden model of <c>al_score</c>: the K cache (d_head rows, token t in column t) and the scores s_t = q . k_t
/// of the stored tokens, 0 for the columns that hold none.
/// </summary>
public sealed class ScoreModel(AttentionConfig config) : TokenCacheModel(config, config.ScoreShape)
{
    /// <summary>s_t = q . k_t for t &lt; Count, 0 beyond (the q-stream's response).</summary>
    public long[] Score(IReadOnlyList<long> q)
    {
        var scores = Cache.Multiply(q);
        for (var t = Count; t < scores.Length; t++)
        {
            scores[t] = 0;
        }

        return scores;
    }

    protected override void Write(int token, int element, long value) => Cache.MemWrite(element, token, value);
}
