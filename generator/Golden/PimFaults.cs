using System.Runtime.CompilerServices;
using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// The faults of one PIM macro, in its own coordinates: per cell (row x Cols + col) the mask of stuck bits and their
/// values, and the dead ADC columns. Shared by the golden <see cref="PimMacroModel"/> and the RTL's fault tables.
/// </summary>
public sealed class MacroFaults(int cols)
{
    private readonly SortedDictionary<int, (ulong Mask, ulong Value)> _stuck = [];
    private readonly bool[] _dead = new bool[cols];

    /// <summary>Cells with stuck bits, by cell index (row x Cols + col), in ascending order.</summary>
    public IEnumerable<KeyValuePair<int, (ulong Mask, ulong Value)>> StuckCells => _stuck;

    public bool HasStuckCells => _stuck.Count > 0;

    public bool HasDeadColumns => _dead.Contains(true);

    public bool IsDead(int col) => _dead[col];

    /// <summary>The macro's columns, column 0 first: true where the ADC column is dead.</summary>
    public IReadOnlyList<bool> DeadColumns => _dead;

    internal void AddStuck(int cell, int bit, int value)
    {
        var (mask, bits) = _stuck.GetValueOrDefault(cell);
        var one = 1UL << bit;
        _stuck[cell] = (mask | one, value != 0 ? bits | one : bits & ~one);
    }

    internal void AddDead(int col) => _dead[col] = true;

    /// <summary>What cell <paramref name="cell"/> holds after <paramref name="weight"/> (a signed <paramref name="width"/>-bit word) is written.</summary>
    public long Store(int cell, long weight, int width)
    {
        if (!_stuck.TryGetValue(cell, out var stuck))
        {
            return weight;
        }

        return FixedPoint.FromBitsSigned((FixedPoint.ToBits(weight, width) & ~stuck.Mask) | stuck.Value, width);
    }
}

/// <summary>
/// A configuration's <see cref="FaultMap"/> resolved onto macro ids (<see cref="MacroLayout"/>): what the golden model
/// and the generator both read, so the two can never disagree on where a fault sits.
/// </summary>
public sealed class PimFaults
{
    private static readonly ConditionalWeakTable<AttentionConfig, PimFaults> Cache = [];

    private readonly SortedDictionary<int, MacroFaults> _macros = [];

    private PimFaults(AttentionConfig config)
    {
        Layout = new MacroLayout(config);
        var pim = config.Pim;
        MacroFaults At(int head, PimMatrix matrix, int macroRow, int col)
        {
            var shape = Layout.Shape(matrix);
            var id = Layout.Base(head, matrix) + (col / pim.Cols * shape.MacrosIn) + macroRow;
            if (!_macros.TryGetValue(id, out var macro))
            {
                _macros[id] = macro = new MacroFaults(pim.Cols);
            }

            return macro;
        }

        foreach (var f in config.Faults.StuckAt)
        {
            At(f.Head, f.Matrix, f.Row / pim.Rows, f.Col).AddStuck((f.Row % pim.Rows * pim.Cols) + (f.Col % pim.Cols), f.Bit, f.Value);
        }

        foreach (var f in config.Faults.DeadColumns)
        {
            At(f.Head, f.Matrix, f.MacroRow, f.Col).AddDead(f.Col % pim.Cols);
        }
    }

    public MacroLayout Layout { get; }

    /// <summary>The faulty macros by id, ascending.</summary>
    public IEnumerable<KeyValuePair<int, MacroFaults>> Macros => _macros;

    public bool Any => _macros.Count > 0;

    /// <summary>The resolved faults of <paramref name="config"/> (built once per configuration object).</summary>
    public static PimFaults Of(AttentionConfig config) => Cache.GetValue(config, c => new PimFaults(c));

    /// <summary>The faults of macro <paramref name="id"/>, or null when it has none.</summary>
    public MacroFaults? Macro(int id) => _macros.GetValueOrDefault(id);
}
