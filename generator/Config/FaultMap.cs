namespace AttentionLego.Gen.Config;

/// <summary>The PIM matrices of a design that hold cells: a head's three projections and two caches, and W_O.</summary>
public enum PimMatrix
{
    /// <summary>W_Q of a head (Model.DModel x Model.DHead weights).</summary>
    Q,

    /// <summary>W_K of a head.</summary>
    K,

    /// <summary>W_V of a head.</summary>
    V,

    /// <summary>The K cache of a head's score stage (Model.DHead x Model.MaxSeqLen; its cells hold keys).</summary>
    KCache,

    /// <summary>The V cache of a head's context stage (Model.MaxSeqLen x Model.DHead; its cells hold values).</summary>
    VCache,

    /// <summary>The array's output projection W_O ((Heads x DHead) x DModel); only with Model.OutputProjection, Head 0.</summary>
    O,
}

/// <summary>Marks a configuration key that may be left out (it then keeps its default, and is not written when empty).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OptionalKeyAttribute : Attribute;

/// <summary>
/// Manufacturing faults of the PIM arrays (docs/NUMERICS.md, "PIM faults"), modelled alike in the RTL macro and the
/// golden model so co-simulation stays bit-exact with faults present. Coordinates are the matrix's own: cell
/// (Row, Col) holds weight W[Row][Col] of that matrix, whichever macro tile it falls in.
/// </summary>
public sealed record FaultMap
{
    public static FaultMap None { get; } = new();

    /// <summary>Cells with a bit stuck at 0 or 1: whatever is written, that bit of the stored word reads Value.</summary>
    [OptionalKey]
    public IReadOnlyList<StuckAtFault> StuckAt { get; init; } = [];

    /// <summary>ADC columns that are dead: the column's conversion reads 0 in every compute step.</summary>
    [OptionalKey]
    public IReadOnlyList<DeadColumnFault> DeadColumns { get; init; } = [];

    public bool IsEmpty => StuckAt.Count == 0 && DeadColumns.Count == 0;

    public int Count => StuckAt.Count + DeadColumns.Count;

    public bool Equals(FaultMap? other) =>
        other is not null && StuckAt.SequenceEqual(other.StuckAt) && DeadColumns.SequenceEqual(other.DeadColumns);

    public override int GetHashCode() => HashCode.Combine(StuckAt.Count, DeadColumns.Count, StuckAt.FirstOrDefault(), DeadColumns.FirstOrDefault());

    // A fault map may hold many thousands of entries: print their counts, not every one.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append($"StuckAt = {StuckAt.Count} cells, DeadColumns = {DeadColumns.Count} columns");
        return true;
    }
}

/// <summary>Bit <see cref="Bit"/> (0 = LSB of the two's complement word) of cell (Row, Col) of a matrix is stuck at Value.</summary>
public sealed record StuckAtFault
{
    public int Head { get; init; }
    public PimMatrix Matrix { get; init; }
    public int Row { get; init; }
    public int Col { get; init; }
    public int Bit { get; init; }
    public int Value { get; init; }
}

/// <summary>
/// The ADC column of matrix column <see cref="Col"/> in the macro tile holding rows <see cref="MacroRow"/> x Pim.Rows and up
/// is dead: it converts every column sum to 0.
/// </summary>
public sealed record DeadColumnFault
{
    public int Head { get; init; }
    public PimMatrix Matrix { get; init; }
    public int MacroRow { get; init; }
    public int Col { get; init; }
}
