using System.Numerics;
using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Where the bench and the performance model put weights, tokens and outputs in memory: the configuration's
/// <see cref="MemoryRegions"/> as the bus sees them (32-bit byte addresses; words of Bus.DataWidth bits).
/// </summary>
public sealed record MemoryLayout(MemoryRegions Regions, int BusBytes)
{
    /// <summary>al_top's layout (<see cref="MemoryRegions.Head"/>).</summary>
    public static MemoryLayout For(AttentionConfig config) => new(MemoryRegions.Head(config), config.Bus.Bytes);

    /// <summary>
    /// al_array's layout (<see cref="MemoryRegions.Array"/>): head h's W_Q, W_K, W_V at W_BASE + h x
    /// <see cref="AttentionConfig.HeadWeightBytes"/>, then W_O.
    /// </summary>
    public static MemoryLayout ForArray(AttentionConfig config) => new(MemoryRegions.Array(config), config.Bus.Bytes);

    // The image may end exactly at 2^32 (ConfigValidator allows it), so the end is a long; every base lies below it.
    public uint WBase => (uint)Regions.WBase;

    public uint XBase => (uint)Regions.XBase;

    public uint OBase => (uint)Regions.OBase;

    public int TokenBytes => Regions.TokenBytes;

    public int OutputBytes => Regions.OutputBytes;

    public int OutputWords => Regions.OutputBytes / BusBytes;

    /// <summary>Bus words of the whole image.</summary>
    public int Words => checked((int)(Regions.End / BusBytes));

    /// <summary>The memory words the bench preloads: the three weight matrices, then the tokens.</summary>
    public IEnumerable<(int Word, BigInteger Value)> Image(AttentionConfig config, AccuracyInputs inputs) =>
        Image(config, [inputs.Wq, inputs.Wk, inputs.Wv], inputs.Tokens);

    /// <summary>The memory words an array's bench preloads: every head's three matrices, W_O, then the tokens.</summary>
    public IEnumerable<(int Word, BigInteger Value)> Image(AttentionConfig config, ArrayInputs inputs) =>
        Image(config, [.. inputs.Heads.SelectMany(h => new[] { h.Wq, h.Wk, h.Wv }), .. inputs.Wo is null ? [] : new[] { inputs.Wo }],
            inputs.Tokens);

    private IEnumerable<(int Word, BigInteger Value)> Image(AttentionConfig config, IReadOnlyList<long[,]> matrices, long[][] tokens)
    {
        IEnumerable<long> RowMajor()
        {
            foreach (var m in matrices)
            {
                for (var r = 0; r < m.GetLength(0); r++)
                {
                    for (var c = 0; c < m.GetLength(1); c++)
                    {
                        yield return m[r, c];
                    }
                }
            }
        }

        // Streamed a bus word at a time through one buffer (a word holds whole elements; a last partial word is not written):
        // an image can hold tens of millions of weights.
        IEnumerable<(int, BigInteger)> Words(uint baseAddress, int width, IEnumerable<long> values)
        {
            var (word, chunk, filled) = ((int)(baseAddress / BusBytes), new long[config.Bus.DataWidth / width], 0);
            foreach (var value in values)
            {
                chunk[filled++] = value;
                if (filled == chunk.Length)
                {
                    yield return (word++, FixedPoint.Pack(chunk, width));
                    filled = 0;
                }
            }
        }

        return Words(WBase, config.Format.WeightWidth, RowMajor()).Concat(Words(XBase, config.Format.DataWidth, tokens.SelectMany(t => t)));
    }
}
