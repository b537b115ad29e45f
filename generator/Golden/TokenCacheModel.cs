using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Golden model of <c>al_cache_fill</c> and the PIM array behind it: token vectors appended one by one to a
/// <see cref="PimMatrixModel"/> (the K cache keeps each token in a column, the V cache token t in row t), with a count.
/// </summary>
public abstract class TokenCacheModel(AttentionConfig config, MatrixShape shape, PimMatrix matrix, int head)
{
    protected AttentionConfig Config { get; } = config;

    protected PimMatrixModel Cache { get; } = new(shape, PimFaults.Of(config), PimFaults.Of(config).Layout.Base(head, matrix));

    /// <summary>Tokens stored (<c>count_o</c>).</summary>
    public int Count { get; private set; }

    public bool IsFull => Count == Config.Model.MaxSeqLen;

    /// <summary>Appends one token's d_head-element vector.</summary>
    public void Append(IReadOnlyList<long> vector)
    {
        if (IsFull)
        {
            throw new InvalidOperationException($"the cache is full ({Config.Model.MaxSeqLen} tokens)");
        }

        for (var element = 0; element < Config.Model.DHead; element++)
        {
            Write(Count, element, vector[element]);
        }

        Count++;
    }

    /// <summary>Empties the cache (<c>clear_i</c>): the cells keep their contents but no token counts.</summary>
    public void Clear() => Count = 0;

    /// <summary>Where element <paramref name="element"/> of token <paramref name="token"/> lives in the array.</summary>
    protected abstract void Write(int token, int element, long value);
}
