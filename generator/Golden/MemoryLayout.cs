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
        var bus = config.Bus.DataWidth;
        IEnumerable<(int, BigInteger)> Pack(uint baseAddress, IEnumerable<long> values, int width)
        {
            var perWord = bus / width;
            var word = (int)(baseAddress / BusBytes);
            var chunk = new List<long>(perWord);
            foreach (var v in values)
            {
                chunk.Add(v);
                if (chunk.Count == perWord)
                {
                    yield return (word++, FixedPoint.Pack(chunk, width));
                    chunk.Clear();
                }
            }
        }

        static IEnumerable<long> RowMajor(long[,] w) =>
            Enumerable.Range(0, w.GetLength(0)).SelectMany(r => Enumerable.Range(0, w.GetLength(1)).Select(c => w[r, c]));

        return Pack(WBase, matrices.SelectMany(RowMajor), config.Format.WeightWidth)
            .Concat(Pack(XBase, tokens.SelectMany(t => t), config.Format.DataWidth));
    }
}
