using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Golden model of <c>al_context</c>: the V cache (a <see cref="PimMatrixModel"/> of max-seq-len rows, token t in
/// row t, fed with unsigned probabilities) and o = Requantize(sum over stored t of p_t * v_t, Quant.ContextShift).
/// </summary>
public sealed class ContextModel(AttentionConfig config)
{
    private readonly PimMatrixModel _cache = new(config.ContextShape);

    /// <summary>Tokens stored (<c>count_o</c>).</summary>
    public int Count { get; private set; }

    public bool IsFull => Count == config.Model.MaxSeqLen;

    /// <summary>Appends v_t (the v-stream) in row Count.</summary>
    public void Append(IReadOnlyList<long> v)
    {
        if (IsFull)
        {
            throw new InvalidOperationException($"the V cache is full ({config.Model.MaxSeqLen} tokens)");
        }

        for (var col = 0; col < config.Model.DHead; col++)
        {
            _cache.MemWrite(Count, col, v[col]);
        }

        Count++;
    }

    /// <summary>Empties the cache (<c>clear_i</c>).</summary>
    public void Clear() => Count = 0;

    /// <summary>The context vector for probabilities <paramref name="p"/>; p_t of rows without a token counts as 0.</summary>
    public long[] Attend(IReadOnlyList<long> p)
    {
        var probMax = (1L << config.Softmax.ProbBits) - 1;
        if (p.Count != config.Model.MaxSeqLen || p.Any(v => v < 0 || v > probMax))
        {
            throw new ArgumentException($"p must hold {config.Model.MaxSeqLen} probabilities in [0, {probMax}] (the port's width)", nameof(p));
        }

        var masked = p.Select((value, t) => t < Count ? value : 0).ToArray();
        return [.. _cache.Multiply(masked).Select(v => FixedPoint.Requantize(v, config.Quant.ContextShift, config.Format.DataWidth))];
    }
}
