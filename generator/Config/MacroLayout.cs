namespace AttentionLego.Gen.Config;

/// <summary>
/// Every PIM macro of a design has one number, its macro id, which the RTL passes down as <c>FaultId</c> and the
/// golden model uses to find the macro's faults. Per head h: W_Q, W_K, W_V, the K cache and the V cache, in that
/// order, starting at h x <see cref="PerHead"/>; W_O after the last head. Inside a matrix, tile (mi, mo) (mi along the
/// input dimension) is id base + mo x MacrosIn + mi, the RTL's instance index.
/// </summary>
public sealed class MacroLayout(AttentionConfig config)
{
    public int Projection { get; } = config.ProjectionShape.MacroCount;

    public int KCache { get; } = config.ScoreShape.MacroCount;

    public int VCache { get; } = config.ContextShape.MacroCount;

    /// <summary>Macros of one head: three projections and two caches.</summary>
    public int PerHead => (int)HeadMacros(Projection, KCache, VCache);

    /// <summary>Macros of W_O (0 without it).</summary>
    public int Output => config.Model.OutputProjection ? config.OutputProjectionShape.MacroCount : 0;

    /// <summary>PIM macros of the whole design: Heads x <see cref="PerHead"/>, plus W_O (what the reports count).</summary>
    public long Macros => ((long)config.Model.Heads * PerHead) + Output;

    /// <summary>The first id of the output projection W_O.</summary>
    public int OutputBase => config.Model.Heads * PerHead;

    /// <summary>Ids of every macro in the design (<see cref="Macros"/> as an id bound).</summary>
    public int Total => checked((int)Macros);

    /// <summary>
    /// Macros of one head from its matrices' macro counts: the one formula, also for a draw that is screened before its
    /// configuration exists (<see cref="RandomConfigs"/>).
    /// </summary>
    public static long HeadMacros(long projection, long kCache, long vCache) => (3 * projection) + kCache + vCache;

    /// <summary>The id of tile 0 of <paramref name="matrix"/> in head <paramref name="head"/>, relative to its head (W_O: absolute).</summary>
    public int Offset(PimMatrix matrix) => matrix switch
    {
        PimMatrix.Q => 0,
        PimMatrix.K => Projection,
        PimMatrix.V => 2 * Projection,
        PimMatrix.KCache => 3 * Projection,
        PimMatrix.VCache => (3 * Projection) + KCache,
        _ => OutputBase,
    };

    /// <summary>The id of tile 0 of <paramref name="matrix"/> in head <paramref name="head"/>.</summary>
    public int Base(int head, PimMatrix matrix) => matrix == PimMatrix.O ? OutputBase : (head * PerHead) + Offset(matrix);

    /// <summary>The matrix that macro <paramref name="id"/> belongs to.</summary>
    public PimMatrix MatrixOf(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, Total);
        if (id >= OutputBase)
        {
            return PimMatrix.O;
        }

        var offset = id % PerHead;
        return new[] { PimMatrix.VCache, PimMatrix.KCache, PimMatrix.V, PimMatrix.K, PimMatrix.Q }.First(m => offset >= Offset(m));
    }

    /// <summary>The shape of <paramref name="matrix"/> (every head's matrices have the same shape).</summary>
    public MatrixShape Shape(PimMatrix matrix) => matrix switch
    {
        PimMatrix.Q or PimMatrix.K or PimMatrix.V => config.ProjectionShape,
        PimMatrix.KCache => config.ScoreShape,
        PimMatrix.VCache => config.ContextShape,
        _ => config.OutputProjectionShape,
    };
}
