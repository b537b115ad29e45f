using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Golden model of <c>al_context</c>: the V cache (a <see cref="PimMatrixModel"/> of max-seq-len rows, token t in
/// row t, fed with unsigned probabilities) and o = Requantize(sum over stored t of p_t * v_t, Quant.ContextShift).
/// </summary>
public sealed class ContextModel(AttentionConfig config, int head = 0) : TokenCacheModel(config, config.ContextShape, PimMatrix.VCache, head)
{
    /// <summary>The context vector for probabilities <paramref name="p"/>; p_t of rows without a token counts as 0.</summary>
    public long[] Attend(IReadOnlyList<long> p)
    {
        var probMax = (1L << Config.Softmax.ProbBits) - 1;
        if (p.Count != Config.Model.MaxSeqLen || p.Any(v => v < 0 || v > probMax))
        {
            throw new ArgumentException($"p must hold {Config.Model.MaxSeqLen} probabilities in [0, {probMax}] (the port's width)", nameof(p));
        }

        var masked = p.Select((value, t) => t < Count ? value : 0).ToArray();
        return [.. Cache.Multiply(masked).Select(v => FixedPoint.Requantize(v, Config.Quant.ContextShift, Config.Format.DataWidth))];
    }

    protected override void Write(int token, int element, long value) => Cache.MemWrite(token, element, value);
}
