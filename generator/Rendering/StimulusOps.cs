using System.Globalization;
using Scriban.Runtime;

namespace AttentionLego.Gen.Rendering;

/// <summary>
/// The operation kinds of a bench's stimulus file (the first field of a line): the C# bench writes them and its testbench
/// template tests them as <c>{{ ops.&lt;name&gt; }}</c> (a sized Verilog constant, e.g. <c>2'd2</c>), so the two never
/// restate a number.
/// </summary>
public sealed class StimulusOps
{
    private readonly (string Name, int Code)[] _codes;

    /// <param name="bits">The width of the bench's kind register.</param>
    public StimulusOps(int bits, params (string Name, int Code)[] codes)
    {
        if (codes.Any(c => c.Code < 0 || c.Code >= 1 << bits) || codes.Select(c => c.Code).Distinct().Count() != codes.Length)
        {
            throw new ArgumentException($"stimulus kinds must be distinct and fit {bits} bits", nameof(codes));
        }

        (Bits, _codes) = (bits, codes);
    }

    public int Bits { get; }

    /// <summary>The template's <c>ops</c> object: each kind's name and its sized constant.</summary>
    internal ScriptObject ToScript()
    {
        var script = new ScriptObject();
        foreach (var (name, code) in _codes)
        {
            script.SetValue(name, $"{Bits.ToString(CultureInfo.InvariantCulture)}'d{code.ToString(CultureInfo.InvariantCulture)}", readOnly: true);
        }

        return script;
    }
}
