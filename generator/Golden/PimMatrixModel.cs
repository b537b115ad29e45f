using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Golden model of <c>al_pim_matrix</c>: <see cref="MatrixShape.MacrosIn"/> x <see cref="MatrixShape.MacrosOut"/>
/// macros holding an InDim x OutDim weight matrix; <see cref="Multiply"/> steps through column groups, row groups
/// and input slices in the RTL's order and shift-adds the ADC outputs in full precision.
/// </summary>
public sealed class PimMatrixModel
{
    private readonly PimMacroModel[,] _macros;

    /// <summary>
    /// A matrix of fault-free macros, or, with <paramref name="faults"/>, of the macros numbered <paramref name="macroBase"/>
    /// onwards (tile (mi, mo) is macro macroBase + mo x MacrosIn + mi, as in the RTL; <see cref="MacroLayout"/>).
    /// </summary>
    public PimMatrixModel(MatrixShape shape, PimFaults? faults = null, int macroBase = 0)
    {
        if (shape.InDim % shape.Pim.Rows != 0 || shape.OutDim % shape.Pim.Cols != 0 || shape.InDim < 1 || shape.OutDim < 1)
        {
            throw new ArgumentException($"a {shape.InDim}x{shape.OutDim} matrix does not tile into {shape.Pim.Rows}x{shape.Pim.Cols} macros", nameof(shape));
        }

        Shape = shape;
        _macros = new PimMacroModel[shape.MacrosIn, shape.MacrosOut];
        for (var mi = 0; mi < shape.MacrosIn; mi++)
        {
            for (var mo = 0; mo < shape.MacrosOut; mo++)
            {
                _macros[mi, mo] = new PimMacroModel(shape.Config, faults?.Macro(macroBase + (mo * shape.MacrosIn) + mi));
            }
        }
    }

    public MatrixShape Shape { get; }

    private PimConfig Pim => Shape.Pim;

    public void MemWrite(int row, int col, long weight) => Macro(row, col).MemWrite(row % Pim.Rows, col % Pim.Cols, weight);

    public long MemRead(int row, int col) => Macro(row, col).MemRead(row % Pim.Rows, col % Pim.Cols);

    private PimMacroModel Macro(int row, int col)
    {
        if ((uint)row >= (uint)Shape.InDim || (uint)col >= (uint)Shape.OutDim)
        {
            throw new ArgumentOutOfRangeException($"weight ({row}, {col}) is outside the {Shape.InDim}x{Shape.OutDim} matrix");
        }

        return _macros[row / Pim.Rows, col / Pim.Cols];
    }

    /// <summary>y = x . W as the RTL computes it (exact when the ADC is ideal).</summary>
    public long[] Multiply(IReadOnlyList<long> x) => Multiply(x, Pim.ColGroups);

    /// <summary>
    /// y = x . W over the first <paramref name="columnGroups"/> column groups of every macro (<c>col_groups_i</c>);
    /// the columns of the groups skipped keep their cleared accumulators, 0.
    /// </summary>
    public long[] Multiply(IReadOnlyList<long> x, int columnGroups)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columnGroups, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columnGroups, Pim.ColGroups);
        var config = Shape.Config;
        var dataWidth = config.Format.DataWidth;
        // An array is read in place; any other list is copied once, so the loops below index a span, not an interface.
        ReadOnlySpan<long> input = x as long[] ?? [.. x];
        if (input.Length != Shape.InDim || !AllFit(input, Shape.InputSigned, dataWidth))
        {
            var kind = Shape.InputSigned ? "signed" : "unsigned";
            throw new ArgumentException($"x must hold {Shape.InDim} {kind} {dataWidth}-bit values", nameof(x));
        }

        // The same steps as the RTL, without allocating in the loops: this is most of a co-simulation's golden-model time.
        var pim = Pim;
        var (lanesCount, adcCount, sliceBits, rows, cols) = (pim.InputLanes, pim.AdcCount, pim.SliceBits, pim.Rows, pim.Cols);
        var (macrosIn, macrosOut, slicesCount) = (Shape.MacrosIn, Shape.MacrosOut, config.Slices);
        var y = new long[Shape.OutDim];
        // The lane values of every stacked macro for one (row group, slice): macro mi's lanes at mi * lanesCount.
        var lanes = new long[macrosIn * lanesCount];
        Span<long> adc = stackalloc long[adcCount];
        Span<long> column = stackalloc long[adcCount];
        for (var colBase = 0; colBase < columnGroups * adcCount; colBase += adcCount)
        {
            for (var rowBase = 0; rowBase < rows; rowBase += lanesCount)
            {
                for (var s = 0; s < slicesCount; s++)
                {
                    var signedSlice = Shape.InputSigned && s == slicesCount - 1;
                    var scale = s * sliceBits + pim.AdcShift;
                    for (var mi = 0; mi < macrosIn; mi++)
                    {
                        for (var l = 0; l < lanesCount; l++)
                        {
                            lanes[mi * lanesCount + l] = FixedPoint.SliceValue(FixedPoint.SliceBits(input[mi * rows + rowBase + l], s, sliceBits), sliceBits, signedSlice);
                        }
                    }

                    for (var mo = 0; mo < macrosOut; mo++)
                    {
                        column.Clear();
                        for (var mi = 0; mi < macrosIn; mi++)
                        {
                            _macros[mi, mo].ComputeInto(rowBase, colBase, lanes.AsSpan(mi * lanesCount, lanesCount), adc);
                            for (var j = 0; j < adcCount; j++)
                            {
                                column[j] += adc[j];
                            }
                        }

                        for (var j = 0; j < adcCount; j++)
                        {
                            y[mo * cols + colBase + j] += column[j] << scale;
                        }
                    }
                }
            }
        }

        return y;
    }

    private static bool AllFit(ReadOnlySpan<long> values, bool signed, int width)
    {
        foreach (var v in values)
        {
            if (signed ? !FixedPoint.FitsSigned(v, width) : v < 0 || v >> width != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Where output element <paramref name="index"/> lives in the macro grid (for mismatch reports).</summary>
    public static string DescribeOutput(MatrixShape shape, int index)
    {
        var col = index % shape.Pim.Cols;
        return $"output {index} (macro column {index / shape.Pim.Cols}, column {col}, column group {col / shape.Pim.AdcCount}, ADC {col % shape.Pim.AdcCount})";
    }
}
