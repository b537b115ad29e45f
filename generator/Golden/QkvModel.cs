using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>Which projection matrix a weight belongs to; the value is <c>al_qkv</c>'s <c>mem_sel_i</c>.</summary>
public enum Projection
{
    Query = 0,
    Key = 1,
    Value = 2,
}

/// <summary>q, k and v of one token, each d_head activations.</summary>
public sealed record QkvResult(long[] Q, long[] K, long[] V);

/// <summary>
/// Golden model of <c>al_qkv</c>: three <see cref="PimMatrixModel"/>s (W_Q, W_K, W_V) and per-tensor
/// requantization, q = Requantize(x . W_Q, Quant.QShift) and likewise for k and v.
/// </summary>
public sealed class QkvModel
{
    private readonly PimMatrixModel[] _matrices;

    /// <summary>The projections of head <paramref name="head"/> (its macros' faults apply; a lone <c>al_qkv</c> is head 0).</summary>
    public QkvModel(AttentionConfig config, int head = 0)
    {
        Config = config;
        var faults = PimFaults.Of(config);
        _matrices = [.. new[] { PimMatrix.Q, PimMatrix.K, PimMatrix.V }.Select(m =>
            new PimMatrixModel(config.ProjectionShape, faults, faults.Layout.Base(head, m)))];
    }

    public AttentionConfig Config { get; }

    public void MemWrite(Projection matrix, int row, int col, long weight) => _matrices[(int)matrix].MemWrite(row, col, weight);

    public long MemRead(Projection matrix, int row, int col) => _matrices[(int)matrix].MemRead(row, col);

    public QkvResult Project(IReadOnlyList<long> x)
    {
        var width = Config.Format.DataWidth;
        long[] Requantized(Projection p, int shift)
        {
            var y = _matrices[(int)p].Multiply(x);
            for (var i = 0; i < y.Length; i++)
            {
                y[i] = FixedPoint.Requantize(y[i], shift, width);
            }

            return y;
        }

        return new QkvResult(Requantized(Projection.Query, Config.Quant.QShift), Requantized(Projection.Key, Config.Quant.KShift),
            Requantized(Projection.Value, Config.Quant.VShift));
    }
}
