using System.Numerics;
using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>Where the bench and the performance model put weights, tokens and outputs in memory (byte addresses; words of Bus.DataWidth bits).</summary>
public sealed record MemoryLayout(int BusBytes, uint WBase, uint XBase, uint OBase, int TokenBytes, int OutputBytes, int OutputWords, int Words)
{
    public static MemoryLayout For(AttentionConfig config)
    {
        var busBytes = config.Bus.Bytes;
        var weightBytes = 3L * config.Model.DModel * config.Model.DHead * config.Format.WeightWidth / 8;
        var tokenBytes = config.Model.DModel * config.Format.DataWidth / 8;
        var outputBytes = config.Model.DHead * config.Format.DataWidth / 8;
        // Regions start on 256-byte boundaries (every bus word is aligned); the weights do not start at 0 on purpose.
        static uint Align(long bytes) => (uint)((bytes + 255) / 256 * 256);
        var wBase = 256u;
        var xBase = Align(wBase + weightBytes);
        var oBase = Align(xBase + (long)tokenBytes * config.Model.MaxSeqLen);
        var end = Align(oBase + (long)outputBytes * (config.Model.MaxSeqLen + 1));
        return new MemoryLayout(busBytes, wBase, xBase, oBase, tokenBytes, outputBytes, outputBytes / busBytes, (int)(end / busBytes));
    }

    /// <summary>The memory words the bench preloads: the three weight matrices, then the tokens.</summary>
    public IEnumerable<(int Word, BigInteger Value)> Image(AttentionConfig config, AccuracyInputs inputs)
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

        IEnumerable<long> RowMajor(long[,] w)
        {
            for (var r = 0; r < w.GetLength(0); r++)
            {
                for (var c = 0; c < w.GetLength(1); c++)
                {
                    yield return w[r, c];
                }
            }
        }

        return Pack(WBase, RowMajor(inputs.Wq).Concat(RowMajor(inputs.Wk)).Concat(RowMajor(inputs.Wv)), config.Format.WeightWidth)
            .Concat(Pack(XBase, inputs.Tokens.SelectMany(t => t), config.Format.DataWidth));
    }
}
