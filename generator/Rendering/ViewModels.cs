using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Gen.Rendering;

/// <summary>
/// How wide vectors cross Verilator's limits: one <c>$fscanf</c>/<c>$fwrite</c> argument and one replication may be at
/// most 8192 bits (docs/ARCHITECTURE.md, "Verilog conventions"), so a bench's stimulus and trace files carry a wide
/// vector as several hex words, and a wide constant is built in slices. A word is the largest power of two at half that
/// limit, so a word plus the padding above the last one never comes near it.
/// </summary>
public static class WideVectors
{
    /// <summary>The most bits of one hex word in a bench file, and of one zero-replication slice.</summary>
    public const int ChunkBits = 4096;

    /// <summary>The word width of a bench whose widest vector is <paramref name="widestBits"/>: the vector itself when it fits.</summary>
    public static int Chunk(int widestBits) => Math.Min(ChunkBits, widestBits);
}

/// <summary>View-model of <c>al_pim_macro</c>: the parameter defaults, nothing else.</summary>
public sealed record PimMacroView(string Banner, int Rows, int Cols, int InputLanes, int AdcCount, int SliceBits,
    int WeightWidth, int AdcBits, int AdcShift, int WriteCells)
{
    /// <summary>The defaults of a projection matrix's macro: its write reaches <see cref="MatrixShape.MacroWriteCells"/> cells.</summary>
    public static PimMacroView From(AttentionConfig c, string banner) => new(banner, c.Pim.Rows, c.Pim.Cols,
        c.Pim.InputLanes, c.Pim.AdcCount, c.Pim.SliceBits, c.Format.WeightWidth, c.Pim.AdcBits, c.Pim.AdcShift,
        c.ProjectionShape.MacroWriteCells);
}

/// <summary>View-model of <c>al_pim_matrix</c> for one matrix shape; AccWidth comes from the exact ADC range.</summary>
public sealed record PimMatrixView(string Banner, int InDim, int OutDim, int DataWidth, int WeightWidth, int Rows,
    int Cols, int InputLanes, int AdcCount, int SliceBits, int AdcBits, int AdcShift, int AccWidth, int InputSigned, int WriteCells)
{
    /// <summary>Width of one hex word in the bench's stimulus and trace files (<see cref="WideVectors"/>).</summary>
    public int ChunkBits => WideVectors.Chunk(Math.Max(InDim * DataWidth, WriteCells * WeightWidth));

    /// <summary>Column groups of one macro: a bench runs them all.</summary>
    public int ColGroups => Cols / AdcCount;

    public static PimMatrixView From(MatrixShape s, string banner)
    {
        var c = s.Config;
        return new(banner, s.InDim, s.OutDim, c.Format.DataWidth, c.Format.WeightWidth, c.Pim.Rows, c.Pim.Cols,
            c.Pim.InputLanes, c.Pim.AdcCount, c.Pim.SliceBits, c.Pim.AdcBits, c.Pim.AdcShift, s.AccWidth, s.InputSigned ? 1 : 0, s.WriteCells);
    }
}

/// <summary>View-model of <c>al_requant</c>: Count values of InWidth bits to OutWidth bits, right shift Shift.</summary>
public sealed record RequantView(string Banner, int Count, int InWidth, int OutWidth, int Shift)
{
    /// <summary>Width of one hex word in a bench's stimulus and trace files (see <see cref="PimMatrixView.ChunkBits"/>).</summary>
    public int ChunkBits => WideVectors.Chunk(Count * InWidth);

    /// <summary>The requantizer after the Q projection: d_head accumulators to activations, by Quant.QShift.</summary>
    public static RequantView ForQuery(AttentionConfig c, string banner) =>
        new(banner, c.Model.DHead, c.ProjectionShape.AccWidth, c.Format.DataWidth, c.Quant.QShift);
}

/// <summary>View-model of <c>al_qkv</c>: three projection matrices and their requantizer shifts.</summary>
public sealed record QkvView(string Banner, int DModel, int DHead, int DataWidth, int WeightWidth, int Rows, int Cols,
    int InputLanes, int AdcCount, int SliceBits, int AdcBits, int AdcShift, int QShift, int KShift, int VShift, int AccWidth, int WriteCells)
{
    /// <summary>Width of one hex word in the bench's files (see <see cref="PimMatrixView.ChunkBits"/>).</summary>
    public int ChunkBits => WideVectors.Chunk(Math.Max(DModel * DataWidth, WriteCells * WeightWidth));

    public static QkvView From(AttentionConfig c, string banner) => new(banner, c.Model.DModel, c.Model.DHead,
        c.Format.DataWidth, c.Format.WeightWidth, c.Pim.Rows, c.Pim.Cols, c.Pim.InputLanes, c.Pim.AdcCount, c.Pim.SliceBits,
        c.Pim.AdcBits, c.Pim.AdcShift, c.Quant.QShift, c.Quant.KShift, c.Quant.VShift, c.ProjectionShape.AccWidth,
        c.ProjectionShape.WriteCells);
}

/// <summary>View-model of <c>al_score</c>: the K cache (d_head x max seq len) and its score width.</summary>
public sealed record ScoreView(string Banner, int DHead, int MaxSeqLen, int DataWidth, int Rows, int Cols, int InputLanes,
    int AdcCount, int SliceBits, int AdcBits, int AdcShift, int AccWidth)
{
    /// <summary>Width of one hex word in the bench's files (see <see cref="PimMatrixView.ChunkBits"/>).</summary>
    public int ChunkBits => WideVectors.Chunk(DHead * DataWidth);

    public static ScoreView From(AttentionConfig c, string banner) => new(banner, c.Model.DHead, c.Model.MaxSeqLen,
        c.Format.DataWidth, c.Pim.Rows, c.Pim.Cols, c.Pim.InputLanes, c.Pim.AdcCount, c.Pim.SliceBits, c.Pim.AdcBits,
        c.Pim.AdcShift, c.ScoreShape.AccWidth);
}

/// <summary>View-model of <c>al_context</c>: the V cache (max seq len x d_head) fed with probabilities.</summary>
public sealed record ContextView(string Banner, int DHead, int MaxSeqLen, int DataWidth, int ProbBits, int Rows, int Cols,
    int InputLanes, int AdcCount, int SliceBits, int AdcBits, int AdcShift, int ContextShift, int AccWidth)
{
    /// <summary>Width of one hex word in the bench's files (see <see cref="PimMatrixView.ChunkBits"/>).</summary>
    public int ChunkBits => WideVectors.Chunk(Math.Max(DHead * DataWidth, MaxSeqLen * ProbBits));

    public static ContextView From(AttentionConfig c, string banner) => new(banner, c.Model.DHead, c.Model.MaxSeqLen,
        c.Format.DataWidth, c.Softmax.ProbBits, c.Pim.Rows, c.Pim.Cols, c.Pim.InputLanes, c.Pim.AdcCount, c.Pim.SliceBits,
        c.Pim.AdcBits, c.Pim.AdcShift, c.Quant.ContextShift, c.ContextShape.AccWidth);
}

/// <summary>View-model of <c>al_cache_fill</c>: counts the tokens appended to a cache of max-seq-len tokens.</summary>
public sealed record CacheFillView(string Banner, int MaxSeqLen)
{
    public static CacheFillView From(AttentionConfig c, string banner) => new(banner, c.Model.MaxSeqLen);
}

/// <summary>
/// View-model of <c>al_softmax</c>: widths and constants from <see cref="SoftmaxModel"/>, the LUT as sized hex
/// literals (entry i at index i; the last entry is rendered as the case default), and the divider's start values.
/// </summary>
public sealed record SoftmaxView(string Banner, int MaxSeqLen, int ScoreWidth, int ProbBits, int ExpBits, int LutAddrBits,
    int Lanes, int Stable, int IndexShift, int DiffWidth, int SumWidth, int RecipShift, int RecipWidth,
    string WindowTop, string RoundHalf, string LutLast, string RecipRemInit, string RecipDividend, IReadOnlyList<string> LutEntries)
{
    /// <summary>Width of one hex word in the bench's files (see <see cref="PimMatrixView.ChunkBits"/>).</summary>
    public int ChunkBits => WideVectors.Chunk(MaxSeqLen * ScoreWidth);

    public static SoftmaxView From(AttentionConfig c, string banner)
    {
        var m = new SoftmaxModel(c);
        var s = c.Softmax;
        var dividend = (UInt128)1 << m.RecipShift;
        string Literal(UInt128 value, int width) => $"{width}'h{value.ToString("x")}";
        return new SoftmaxView(banner, c.Model.MaxSeqLen, m.ScoreWidth, s.ProbBits, s.ExpBits, s.LutAddrBits, s.Lanes,
            s.Mode == SoftmaxMode.Stable ? 1 : 0, s.IndexShift, m.DiffWidth, m.SumWidth, m.RecipShift, m.RecipWidth,
            Literal((UInt128)m.WindowTop, m.DiffWidth),
            Literal(s.IndexShift == 0 ? 0 : (UInt128)1 << (s.IndexShift - 1), m.DiffWidth),
            Literal((UInt128)(m.Lut.Count - 1), m.DiffWidth),
            Literal(dividend >> m.RecipWidth, m.SumWidth + 1),
            Literal(dividend & (((UInt128)1 << m.RecipWidth) - 1), m.RecipWidth),
            [.. m.Lut.Select(e => Literal((UInt128)e, s.ExpBits))]);
    }
}

public sealed record DmaView(string Banner, int DModel, int DHead, int MaxSeqLen, int DataWidth, int WeightWidth, int BusWidth,
    int MaxOutstanding, int WriteCells)
{
    /// <summary>The defaults of a head's DMA: it loads W_Q, W_K and W_V, <see cref="MatrixShape.WriteCells"/> weights per write.</summary>
    public static DmaView From(AttentionConfig c, string banner) => new(banner, c.Model.DModel, c.Model.DHead, c.Model.MaxSeqLen,
        c.Format.DataWidth, c.Format.WeightWidth, c.Bus.DataWidth, c.Bus.MaxOutstanding, c.ProjectionShape.WriteCells);
}

/// <summary>
/// al_controller: its parameters and, from <see cref="CsrMap"/>, its register offsets, ID and bit positions;
/// <see cref="ConfigHash"/> is the register CONFIG_HASH (the first 8 hex digits of the hash).
/// </summary>
public sealed record ControllerView(string Banner, int MaxSeqLen, int BusWidth, string ConfigHash, string RegisterParams, string IdHex,
    string IdAscii, string ErrorParams, int ErrorBits, int ErrorMsb, int ErrorPad, int StatusDoneBit, uint CtrlLoad, uint CtrlDecode,
    uint CtrlClear, int CtrlLoadBit, int CtrlDecodeBit, string StatusRead)
{
    private const int RegistersPerLine = 4;

    /// <summary>The controller's signal behind each STATUS field of <see cref="CsrMap.StatusFields"/>.</summary>
    private static readonly Dictionary<string, string> StatusSignals = new(StringComparer.Ordinal)
    {
        ["BUSY"] = "busy",
        ["DONE"] = "done_q",
        ["ERROR"] = "|error_q",
        ["WEIGHTS"] = "weights_q",
    };

    /// <summary>
    /// What a read of STATUS returns, as a Verilog concatenation: CsrMap's fields from the top bit down, zeros above, so
    /// the bit order lives in CsrMap alone. A concatenation places a field by its position in the list, so the fields must
    /// be single bits from bit 0 up without a gap.
    /// </summary>
    public static string StatusConcatenation(IReadOnlyList<CsrField> fields)
    {
        var ordered = fields.OrderByDescending(f => f.Bit).ToList();
        if (ordered.Where((f, i) => f.Width != 1 || f.Bit != ordered.Count - 1 - i).Any())
        {
            throw new InvalidOperationException("STATUS fields must be single bits from bit 0 up without a gap; give al_controller's read a wider term.");
        }

        var signals = ordered.Select(f => StatusSignals.TryGetValue(f.Name, out var signal) ? signal
            : throw new InvalidOperationException($"STATUS field {f.Name} has no al_controller signal; add it to ControllerView.StatusSignals."));
        return $"{{ {32 - ordered.Count}'d0, {string.Join(", ", signals)} }}";
    }

    public static ControllerView From(AttentionConfig c, string banner)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var msb = CsrMap.AddressBits - 1;
        var registers = CsrMap.Registers.Select(r => $"{r.VerilogName} = {CsrMap.AddressBits}'h{r.Offset.ToString("x2", inv)}").ToList();
        var lines = registers.Chunk(RegistersPerLine).Select(chunk => $"localparam [{msb}:0] {string.Join(", ", chunk)};");
        var errors = CsrMap.ErrorFields.Select(f => $"Err{CsrMap.UpperCamel(f.Name)} = {f.Bit}");
        var id = System.Text.Encoding.ASCII.GetString(BitConverter.GetBytes(CsrMap.IdValue).Reverse().ToArray());
        static int Bit(IReadOnlyList<CsrField> fields, string name) => fields.Single(f => f.Name == name).Bit;
        return new(banner, c.Model.MaxSeqLen, c.Bus.DataWidth, Config.ConfigHash.Register(c).ToString("x8", inv),
            string.Join("\n", lines), CsrMap.IdValue.ToString("x8", inv), id, string.Join(", ", errors), CsrMap.ErrorBits,
            CsrMap.ErrorBits - 1, 32 - CsrMap.ErrorBits, Bit(CsrMap.StatusFields, "DONE"), CsrMap.CtrlLoad, CsrMap.CtrlDecode, CsrMap.CtrlClear,
            Bit(CsrMap.CtrlCommands, "LOAD"), Bit(CsrMap.CtrlCommands, "DECODE"), StatusConcatenation(CsrMap.StatusFields));
    }
}

/// <summary>One head's datapath: its ports' widths come from the generator, so al_head has no parameters.</summary>
public sealed record HeadView(string Banner, int DModel, int DHead, int MaxSeqLen, int DataWidth, int WeightWidth, int ScoreWidth,
    int ProbBits, int InAddrWidth, int OutAddrWidth, int CountWidth, int WriteCells)
{
    public static HeadView From(AttentionConfig c, string banner) => new(banner, c.Model.DModel, c.Model.DHead, c.Model.MaxSeqLen,
        c.Format.DataWidth, c.Format.WeightWidth, c.ScoreShape.AccWidth, c.Softmax.ProbBits, PimMath.AddressBits(c.Model.DModel),
        PimMath.AddressBits(c.Model.DHead), PimMath.AddressBits(c.Model.MaxSeqLen + 1), c.ProjectionShape.WriteCells);
}

public sealed record TopView(string Banner, int DModel, int DHead, int MaxSeqLen, int DataWidth, int WeightWidth, int ScoreWidth,
    int ProbBits, int BusWidth, int WriteCells)
{
    public static TopView From(AttentionConfig c, string banner) => new(banner, c.Model.DModel, c.Model.DHead, c.Model.MaxSeqLen,
        c.Format.DataWidth, c.Format.WeightWidth, c.ScoreShape.AccWidth, c.Softmax.ProbBits, c.Bus.DataWidth, c.ProjectionShape.WriteCells);
}

/// <summary>The memory arbiter of the array: the array's DMA and one DMA per head.</summary>
public sealed record ArbiterView(string Banner, int Masters, int BusWidth, int MaxOutstanding)
{
    public static ArbiterView From(AttentionConfig c, string banner) => new(banner, c.Model.Heads + 1, c.Bus.DataWidth, c.Bus.MaxOutstanding);
}

/// <summary>W_O as one al_pim_matrix plus its requantizer; fixed to the configuration (no parameters).</summary>
public sealed record OprojView(string Banner, int InDim, int OutDim, int DataWidth, int WeightWidth, int Rows, int Cols, int InputLanes,
    int AdcCount, int SliceBits, int AdcBits, int AdcShift, int AccWidth, int OutputShift, int ColGroups, int InAddrWidth, int OutAddrWidth,
    int WriteCells)
{
    public static OprojView From(AttentionConfig c, string banner)
    {
        var s = c.OutputProjectionShape;
        return new(banner, s.InDim, s.OutDim, c.Format.DataWidth, c.Format.WeightWidth, c.Pim.Rows, c.Pim.Cols, c.Pim.InputLanes,
            c.Pim.AdcCount, c.Pim.SliceBits, c.Pim.AdcBits, c.Pim.AdcShift, s.AccWidth, c.Quant.OutputShift, c.Pim.ColGroups,
            PimMath.AddressBits(s.InDim), PimMath.AddressBits(s.OutDim), s.WriteCells);
    }
}

/// <summary>The array: Heads heads, their weight loaders, the token broadcast, the row join, W_O and the arbiter.</summary>
public sealed record ArrayView(string Banner, int Heads, int DModel, int DHead, int MaxSeqLen, int DataWidth, int WeightWidth, int BusWidth,
    int RowElements, long HeadWeightBytes, int Loaders, bool OutputProjection, int WriteCells, int WoWriteCells)
{
    public static ArrayView From(AttentionConfig c, string banner) => new(banner, c.Model.Heads, c.Model.DModel, c.Model.DHead,
        c.Model.MaxSeqLen, c.Format.DataWidth, c.Format.WeightWidth, c.Bus.DataWidth, c.Model.RowElements,
        c.HeadWeightBytes, c.Model.Heads + (c.Model.OutputProjection ? 1 : 0),
        c.Model.OutputProjection, c.ProjectionShape.WriteCells, c.OutputProjectionShape.WriteCells);
}

/// <summary>
/// The PIM faults of a configuration as the templates see them (every template gets these names): whether there are
/// any (without faults no template renders a fault line, so fault-free RTL is unchanged), the macro id bases of
/// <see cref="MacroLayout"/>, and per faulty macro its sized literals (docs/NUMERICS.md, "PIM faults").
/// </summary>
public sealed record FaultView(bool Faults, int FaultProjectionMacros, int FaultKCacheBase, int FaultVCacheBase, int FaultPerHead,
    int FaultOutputBase, IReadOnlyList<FaultyMacroView> FaultMacros)
{
    public static FaultView From(AttentionConfig c)
    {
        var faults = PimFaults.Of(c);
        var layout = faults.Layout;
        var cellBits = PimMath.AddressBits(c.Pim.Rows) + PimMath.AddressBits(c.Pim.Cols);
        var macros = faults.Macros.Select(pair =>
        {
            // The word width of this macro's cells: weights in the projections, activations in the caches.
            var width = layout.Shape(layout.MatrixOf(pair.Key)).Config.Format.WeightWidth;
            var cells = pair.Value.StuckCells.Select(cell => new FaultyCellView(Literal(cellBits, (ulong)cell.Key),
                Literal(width, cell.Value.Mask), Literal(width, cell.Value.Value))).ToList();
            var dead = pair.Value.DeadColumns.Select((d, i) => d ? System.Numerics.BigInteger.One << i : System.Numerics.BigInteger.Zero)
                .Aggregate(System.Numerics.BigInteger.Zero, (a, b) => a | b);
            return new FaultyMacroView(pair.Key, Literal(c.Pim.Cols, dead), cells);
        }).ToList();
        return new FaultView(faults.Any, layout.Projection, layout.Offset(PimMatrix.KCache), layout.Offset(PimMatrix.VCache), layout.PerHead,
            layout.OutputBase, macros);
    }

    private static string Literal(int width, System.Numerics.BigInteger value) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{width}'h{(value.IsZero ? "0" : value.ToString("x").TrimStart('0'))}");
}

/// <summary>One faulty macro: its id, its dead columns (bit c = column c) and its stuck cells.</summary>
public sealed record FaultyMacroView(int Id, string Dead, IReadOnlyList<FaultyCellView> Cells);

/// <summary>One cell {row, col} with stuck bits: the mask of stuck bits and the values they read.</summary>
public sealed record FaultyCellView(string Cell, string Mask, string Value);
