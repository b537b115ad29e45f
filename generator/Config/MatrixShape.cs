namespace AttentionLego.Gen.Config;

/// <summary>
/// A weight-stationary matrix of <see cref="InDim"/> x <see cref="OutDim"/> weights tiled over PIM macros:
/// <see cref="MacrosIn"/> macros stacked along the input dimension, <see cref="MacrosOut"/> side by side along
/// the output dimension. Inputs are <c>Config.Format.DataWidth</c>-bit values, signed unless
/// <see cref="InputSigned"/> is false (then every slice is unsigned). All widths here are derived;
/// docs/NUMERICS.md explains each.
/// </summary>
public sealed record MatrixShape(AttentionConfig Config, int InDim, int OutDim, bool InputSigned = true)
{
    public PimConfig Pim => Config.Pim;
    public int MacrosIn => InDim / Pim.Rows;
    public int MacrosOut => OutDim / Pim.Cols;
    public int MacroCount => MacrosIn * MacrosOut;

    /// <summary>Compute steps of one matrix-vector product: every (column group, row group, slice).</summary>
    public int ComputeSteps => Pim.ColGroups * Pim.RowGroups * Config.Slices;

    /// <summary>Exact signed range of one ADC output over all legal slices and weights.</summary>
    public (long Min, long Max) AdcRange => PimMath.AdcOutputRange(Config);

    /// <summary>Accumulator width that holds every reachable shift-and-add result without overflow.</summary>
    public int AccWidth => PimMath.AccumulatorWidth(Config, InDim);

    // The config prints its own shapes; printing the config back here would recurse forever.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"InDim = {InDim}, OutDim = {OutDim}, InputSigned = {InputSigned}, MacrosIn = {MacrosIn}, MacrosOut = {MacrosOut}");
        return true;
    }
}
