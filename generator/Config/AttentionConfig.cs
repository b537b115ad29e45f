namespace AttentionLego.Gen.Config;

/// <summary>
/// The one configuration object that feeds everything: RTL, golden model, cycle model and reports.
/// Key paths (e.g. <c>Pim.Rows</c>) are the property names; JSON files use exactly these names.
/// </summary>
public sealed record AttentionConfig
{
    public required ModelConfig Model { get; init; }
    public required FormatConfig Format { get; init; }
    public required PimConfig Pim { get; init; }
    public required BusConfig Bus { get; init; }
    public required QuantConfig Quant { get; init; }
    public required SoftmaxConfig Softmax { get; init; }

    /// <summary>PIM cell and ADC faults (optional; none by default): docs/NUMERICS.md, "PIM faults".</summary>
    [OptionalKey]
    public FaultMap Faults { get; init; } = FaultMap.None;

    /// <summary>Number of input bit slices per activation (lower slices unsigned, top slice signed).</summary>
    public int Slices => Format.DataWidth / Pim.SliceBits;

    /// <summary>The Q/K/V projection matrix shape: d_model inputs, d_head outputs.</summary>
    public MatrixShape ProjectionShape => new(this, Model.DModel, Model.DHead) { WriteCells = WeightWriteCells(Model.DHead) };

    /// <summary>The output projection W_O: the Heads x DHead concatenation in, d_model out.</summary>
    public MatrixShape OutputProjectionShape => new(this, Model.Heads * Model.DHead, Model.DModel) { WriteCells = WeightWriteCells(Model.DModel) };

    /// <summary>
    /// Weights one write of a weight matrix's memory port carries: a bus word's worth (Bus.DataWidth / Format.WeightWidth,
    /// a power of two), so that LOAD writes each word in the cycle after it arrives, but never more than one row of the
    /// matrix holds (the largest power of two dividing <paramref name="outDim"/>): the weights are row-major in memory, and
    /// a write stays in one row. docs/NUMERICS.md, "PIM macro".
    /// </summary>
    public int WeightWriteCells(int outDim)
    {
        var cells = Bus.DataWidth / Format.WeightWidth;
        while (cells > 1 && outDim % cells != 0)
        {
            cells /= 2;
        }

        return Math.Max(1, cells);
    }

    /// <summary>The K cache of the score stage: d_head rows, one column per token; its cells hold activations.</summary>
    public MatrixShape ScoreShape => new(CacheConfig(), Model.DHead, Model.MaxSeqLen);

    /// <summary>
    /// The V cache of the context stage: one row per token, d_head columns; its inputs are the unsigned
    /// Softmax.ProbBits-bit probabilities and its cells hold activations.
    /// </summary>
    public MatrixShape ContextShape => new(CacheConfig() with { Format = Format with { DataWidth = Softmax.ProbBits, WeightWidth = Format.DataWidth } },
        Model.MaxSeqLen, Model.DHead, InputSigned: false);

    /// <summary>Bytes of one head's weights in memory: W_Q, W_K and W_V, each DModel x DHead of Format.WeightWidth bits.</summary>
    public long HeadWeightBytes => 3L * Model.DModel * Model.DHead * Format.WeightWidth / 8;

    /// <summary>Bytes of W_O in memory ((Heads x DHead) x DModel weights); 0 without the output projection.</summary>
    public long OutputWeightBytes => Model.OutputProjection ? (long)Model.Heads * Model.DHead * Model.DModel * Format.WeightWidth / 8 : 0;

    /// <summary>Bytes of every weight a LOAD reads: each head's, then W_O's.</summary>
    public long WeightBytes => (Model.Heads * HeadWeightBytes) + OutputWeightBytes;

    /// <summary>
    /// This configuration as seen by a cache array, whose cells hold activations rather than weights. A method,
    /// not a property: a record prints its properties, and this one would print itself forever.
    /// </summary>
    public AttentionConfig CacheConfig() => this with { Format = Format with { WeightWidth = Format.DataWidth } };
}

/// <summary>Attention dimensions of one head and the number of heads in the spatial array.</summary>
public sealed record ModelConfig
{
    public required int DModel { get; init; }
    public required int DHead { get; init; }
    public required int MaxSeqLen { get; init; }
    public required int Heads { get; init; }

    /// <summary>
    /// The array ends in the output projection W_O ((Heads x DHead) x DModel, one more weight-stationary PIM matrix):
    /// it turns the concatenated head outputs into the layer's d_model output.
    /// </summary>
    public required bool OutputProjection { get; init; }

    /// <summary>Elements of one output row of the array: DModel with W_O, else the Heads x DHead concatenation.</summary>
    public int RowElements => OutputProjection ? DModel : Heads * DHead;

    /// <summary>The array (al_array) is rendered: more than one head, or W_O.</summary>
    public bool IsArray => Heads > 1 || OutputProjection;
}

/// <summary>Two's complement widths of activations and weights.</summary>
public sealed record FormatConfig
{
    public required int DataWidth { get; init; }
    public required int WeightWidth { get; init; }
}

/// <summary>Geometry and ADC of one processing-in-memory macro.</summary>
public sealed record PimConfig
{
    public required int Rows { get; init; }
    public required int Cols { get; init; }
    public required int InputLanes { get; init; }
    public required int AdcCount { get; init; }
    public required int SliceBits { get; init; }
    public required int AdcBits { get; init; }
    public required int AdcShift { get; init; }

    /// <summary>Row groups driven one at a time in compute mode.</summary>
    public int RowGroups => Rows / InputLanes;

    /// <summary>Column groups converted one at a time by the ADCs.</summary>
    public int ColGroups => Cols / AdcCount;
}

/// <summary>The memory bus the DMA masters (docs/ARCHITECTURE.md, "Memory port"); addresses are 32-bit bytes.</summary>
public sealed record BusConfig
{
    public required int DataWidth { get; init; }

    /// <summary>Requests the DMA keeps in flight (issued, response not yet taken): hides that much memory latency.</summary>
    public required int MaxOutstanding { get; init; }

    /// <summary>Bytes per bus word.</summary>
    public int Bytes => DataWidth / 8;
}

/// <summary>Right shifts of the requantizers (round half up, then saturate to Format.DataWidth).</summary>
public sealed record QuantConfig
{
    public required int QShift { get; init; }
    public required int KShift { get; init; }
    public required int VShift { get; init; }
    public required int ContextShift { get; init; }

    /// <summary>Requantizer shift of the output projection W_O (used only with Model.OutputProjection).</summary>
    public required int OutputShift { get; init; }
}

public enum SoftmaxMode
{
    /// <summary>Subtract the running maximum before the exp LUT (numerically stable).</summary>
    Stable,

    /// <summary>Paper-style: fixed input window, no maximum subtraction.</summary>
    Window,
}

/// <summary>LUT softmax settings (docs/NUMERICS.md, "Softmax").</summary>
public sealed record SoftmaxConfig
{
    public required SoftmaxMode Mode { get; init; }

    /// <summary>A score s stands for the logit s / 2^ScoreShift (the shift folds 1/sqrt(d_head) and the q, k scales).</summary>
    public required int ScoreShift { get; init; }

    /// <summary>The exp LUT has 2^LutAddrBits entries.</summary>
    public required int LutAddrBits { get; init; }

    /// <summary>The LUT's input step is 2^-LutFracBits of a logit: entry i holds exp(-i / 2^LutFracBits).</summary>
    public required int LutFracBits { get; init; }

    /// <summary>Bits of a LUT entry: exp(0) = 1.0 is 2^ExpBits (saturated to 2^ExpBits - 1).</summary>
    public required int ExpBits { get; init; }

    /// <summary>Probabilities are unsigned ProbBits-bit: p = 1.0 is 2^ProbBits (saturated to 2^ProbBits - 1).</summary>
    public required int ProbBits { get; init; }

    /// <summary>Scores handled per cycle in each pass (max, exp and sum, normalize).</summary>
    public required int Lanes { get; init; }

    /// <summary>Right shift that turns a score difference into a LUT index (validated to be non-negative).</summary>
    public int IndexShift => ScoreShift - LutFracBits;
}
