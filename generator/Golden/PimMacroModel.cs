using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Golden model of <c>al_pim_macro</c>: a Rows x Cols array of signed weights with a memory mode and a compute
/// mode. Method names follow the RTL ports; docs/NUMERICS.md ("PIM macro") specifies the arithmetic.
/// </summary>
public sealed class PimMacroModel
{
    private readonly long[] _cells;
    private readonly MacroFaults? _faults;

    /// <summary>A macro; with <paramref name="faults"/>, its stuck cells and dead ADC columns (docs/NUMERICS.md, "PIM faults").</summary>
    public PimMacroModel(AttentionConfig config, MacroFaults? faults = null)
    {
        Pim = config.Pim;
        WeightWidth = config.Format.WeightWidth;
        _cells = new long[Pim.Rows * Pim.Cols];
        _faults = faults;
    }

    public PimConfig Pim { get; }

    public int WeightWidth { get; }

    /// <summary>Width of the column-sum register (never wraps): SliceBits + 1 + WeightWidth + clog2(InputLanes).</summary>
    public int SumWidth => Pim.SliceBits + 1 + WeightWidth + Log2(Pim.InputLanes);

    /// <summary>Memory mode write (<c>mem_en_i &amp;&amp; mem_we_i</c>); a stuck bit keeps its value whatever is written.</summary>
    public void MemWrite(int row, int col, long weight)
    {
        if (!FixedPoint.FitsSigned(weight, WeightWidth))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"does not fit {WeightWidth} signed bits");
        }

        var index = Index(row, col);
        _cells[index] = _faults is null ? weight : _faults.Store(index, weight, WeightWidth);
    }

    /// <summary>Memory mode read (<c>mem_en_i &amp;&amp; !mem_we_i</c>); the RTL returns it one cycle later.</summary>
    public long MemRead(int row, int col) => _cells[Index(row, col)];

    /// <summary>
    /// Compute mode: lanes l drive rows <paramref name="row"/>+l with the slice patterns in <paramref name="slices"/>
    /// (signed when <paramref name="signedSlices"/>); returns ADC j's output for column <paramref name="col"/>+j.
    /// </summary>
    public long[] Compute(int row, int col, bool signedSlices, IReadOnlyList<ulong> slices)
    {
        if (slices.Count != Pim.InputLanes)
        {
            throw new ArgumentException($"expected {Pim.InputLanes} slices, got {slices.Count}", nameof(slices));
        }

        var lanes = new long[Pim.InputLanes];
        for (var l = 0; l < lanes.Length; l++)
        {
            if (slices[l] >> Pim.SliceBits != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(slices), $"slice patterns must fit {Pim.SliceBits} bits (the port width)");
            }

            lanes[l] = FixedPoint.SliceValue(slices[l], Pim.SliceBits, signedSlices);
        }

        Index(row + Pim.InputLanes - 1, col + Pim.AdcCount - 1);
        Index(row, col);
        var adc = new long[Pim.AdcCount];
        ComputeInto(row, col, lanes, adc);
        return adc;
    }

    /// <summary>
    /// <see cref="Compute"/> on lane values already sign- or zero-extended (<see cref="FixedPoint.SliceValue"/>), adding nothing
    /// and allocating nothing: ADC j's output goes to <paramref name="adc"/>[j]. The caller keeps the rows and columns in the macro.
    /// </summary>
    internal void ComputeInto(int row, int col, ReadOnlySpan<long> lanes, Span<long> adc)
    {
        var cols = Pim.Cols;
        for (var j = 0; j < adc.Length; j++)
        {
            long columnSum = 0;
            var cell = (row * cols) + col + j;
            for (var l = 0; l < lanes.Length; l++, cell += cols)
            {
                columnSum += lanes[l] * _cells[cell];
            }

            // A dead ADC column converts every sum to 0.
            adc[j] = _faults is not null && _faults.IsDead(col + j) ? 0 : Adc(columnSum);
        }
    }

    /// <summary>The ADC: shift right by AdcShift (floor), then saturate to AdcBits signed bits.</summary>
    public long Adc(long columnSum) =>
        FixedPoint.SaturateSigned(FixedPoint.ArithmeticShiftRight(columnSum, Pim.AdcShift), Pim.AdcBits);

    private int Index(int row, int col)
    {
        if ((uint)row >= (uint)Pim.Rows || (uint)col >= (uint)Pim.Cols)
        {
            throw new ArgumentOutOfRangeException($"cell ({row}, {col}) is outside the {Pim.Rows}x{Pim.Cols} macro");
        }

        return row * Pim.Cols + col;
    }

    internal static int Log2(int powerOfTwo) => System.Numerics.BitOperations.Log2((uint)powerOfTwo);
}
