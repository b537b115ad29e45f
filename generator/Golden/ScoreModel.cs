using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Golden model of <c>al_score</c>: the K cache (a <see cref="PimMatrixModel"/> of d_head rows, token t in column
/// t) and the scores s_t = q . k_t of the stored tokens, 0 for the columns that hold none.
/// </summary>
public sealed class ScoreModel(AttentionConfig config)
{
    private readonly PimMatrixModel _cache = new(config.ScoreShape);

    /// <summary>Tokens stored (<c>count_o</c>).</summary>
    public int Count { get; private set; }

    public bool IsFull => Count == config.Model.MaxSeqLen;

    /// <summary>Appends k_t (the k-stream) in column Count.</summary>
    public void Append(IReadOnlyList<long> k)
    {
        if (IsFull)
        {
            throw new InvalidOperationException($"the K cache is full ({config.Model.MaxSeqLen} tokens)");
        }

        for (var row = 0; row < config.Model.DHead; row++)
        {
            _cache.MemWrite(row, Count, k[row]);
        }

        Count++;
    }

    /// <summary>Empties the cache (<c>clear_i</c>); the cells keep their contents but no column counts.</summary>
    public void Clear() => Count = 0;

    /// <summary>s_t = q . k_t for t &lt; Count, 0 beyond (the q-stream's response).</summary>
    public long[] Score(IReadOnlyList<long> q)
    {
        var scores = _cache.Multiply(q);
        for (var t = Count; t < scores.Length; t++)
        {
            scores[t] = 0;
        }

        return scores;
    }
}
