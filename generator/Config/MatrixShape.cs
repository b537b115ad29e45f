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

    /// <summary>
    /// Cells of one matrix row that one write of the memory port sets (and one read returns): consecutive columns, the
    /// first aligned to it. 1 for the caches, whose appends write one cell per cycle; a weight matrix's is
    /// <see cref="AttentionConfig.WeightWriteCells"/>. A power of two that divides <see cref="OutDim"/>.
    /// </summary>
    public int WriteCells { get; init; } = 1;

    /// <summary>
    /// Cells one macro's write sets: <see cref="WriteCells"/>, or a whole macro row when a write spans
    /// <see cref="MacrosPerWrite"/> macros side by side.
    /// </summary>
    public int MacroWriteCells => Math.Min(WriteCells, Pim.Cols);

    /// <summary>Macros side by side that one write of the matrix reaches (each gets a whole row of its own).</summary>
    public int MacrosPerWrite => WriteCells / MacroWriteCells;

    /// <summary>Compute steps of one matrix-vector product: every (column group, row group, slice).</summary>
    public int ComputeSteps => ComputeStepsFor(Pim.ColGroups);

    /// <summary>Compute steps of a product that stops after the first <paramref name="columnGroups"/> column groups.</summary>
    public int ComputeStepsFor(int columnGroups)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columnGroups, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columnGroups, Pim.ColGroups);
        return columnGroups * Pim.RowGroups * Config.Slices;
    }

    /// <summary>
    /// The column that holds output <paramref name="token"/> when outputs fill column group 0 of every macro
    /// first (the K cache's tokens): with A = AdcCount and M = MacrosOut, token t goes to macro (t / A) % M,
    /// column group t / (A*M), ADC lane t % A. The first A*M tokens then need one column group, the next A*M
    /// two, and so on (<see cref="ColumnGroupsFor"/>). docs/NUMERICS.md, section 8.
    /// </summary>
    public int TokenColumn(int token)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(token);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(token, OutDim);
        var a = Pim.AdcCount;
        var macro = token / a % MacrosOut;
        var group = token / (a * MacrosOut);
        return (macro * Pim.Cols) + (group * a) + (token % a);
    }

    /// <summary>
    /// Column groups that hold the first <paramref name="tokens"/> outputs under <see cref="TokenColumn"/>:
    /// max(1, ceil(tokens / (AdcCount * MacrosOut))); a product never runs fewer than one.
    /// </summary>
    public int ColumnGroupsFor(int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tokens, OutDim);
        var perGroup = Pim.AdcCount * MacrosOut;
        return Math.Max(1, (tokens + perGroup - 1) / perGroup);
    }

    /// <summary>Exact signed range of one ADC output over all legal slices and weights.</summary>
    public (long Min, long Max) AdcRange => PimMath.AdcOutputRange(Config);

    /// <summary>Accumulator width that holds every reachable shift-and-add result without overflow.</summary>
    public int AccWidth => PimMath.AccumulatorWidth(Config, InDim);

    // The config prints its own shapes; printing the config back here would recurse forever.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"InDim = {InDim}, OutDim = {OutDim}, InputSigned = {InputSigned}, MacrosIn = {MacrosIn}, MacrosOut = {MacrosOut}, WriteCells = {WriteCells}");
        return true;
    }
}
