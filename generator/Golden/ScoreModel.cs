using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Golden model of <c>al_score</c>: the K cache (d_head rows, token t in column
/// <see cref="MatrixShape.TokenColumn"/>(t), column group 0 of every macro filled first) and the scores
/// s_t = q . k_t of the stored tokens, 0 for the tokens not stored. A query runs only the column groups that
/// hold a token (<see cref="ColumnGroups"/>).
/// </summary>
public sealed class ScoreModel(AttentionConfig config, int head = 0) : TokenCacheModel(config, config.ScoreShape, PimMatrix.KCache, head)
{
    /// <summary>Column groups a query runs over now (<c>col_groups_i</c> of the cache matrix).</summary>
    public int ColumnGroups => Cache.Shape.ColumnGroupsFor(Count);

    /// <summary>s_t = q . k_t for t &lt; Count, 0 beyond, in token order (the q-stream's response).</summary>
    public long[] Score(IReadOnlyList<long> q)
    {
        var y = Cache.Multiply(q, ColumnGroups);
        var scores = new long[y.Length];
        for (var t = 0; t < Count; t++)
        {
            scores[t] = y[Cache.Shape.TokenColumn(t)];
        }

        return scores;
    }

    protected override void Write(int token, int element, long value) => Cache.MemWrite(element, Cache.Shape.TokenColumn(token), value);
}
