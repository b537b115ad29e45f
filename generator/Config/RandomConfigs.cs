using System.Globalization;

namespace AttentionLego.Gen.Config;

/// <summary>
/// Draws valid configurations from the whole parameter space for the random regression: draw <c>i</c> of master seed
/// <c>S</c> is always the same configuration, on every machine and every .NET version, because the generator is our
/// own SplitMix64 (System.Random's algorithm is an implementation detail that .NET has changed before).
/// </summary>
/// <remarks>
/// Every key is drawn from its valid range, built valid by construction where the rules allow it: widths are powers of
/// two (a power-of-two bus must carry whole activations and weights), slices divide the data and probability widths,
/// lanes and ADCs divide the macro, dimensions are multiples of the macro sides. Sizes are bounded so that a
/// Verilator build stays a few seconds: <see cref="MaxDModel"/>, <see cref="MaxDHead"/>, <see cref="MaxSequence"/>,
/// macros up to <see cref="MaxMacroSide"/> per side, at most <see cref="MaxMacrosPerArray"/> macros in any array,
/// <see cref="MaxHeadCells"/> cells and <see cref="MaxHeadMacLanes"/> multipliers in the whole head, and LUTs up to
/// 2^<see cref="MaxLutAddrBits"/> entries. Shifts are drawn near the scale that keeps the numbers
/// significant three times in four and uniformly over their whole range otherwise. The array's keys (Heads,
/// OutputProjection, Quant.OutputShift) come from a stream of their own (<see cref="WithArray"/>).
/// The bus width is the one rule that a draw may miss (e.g. 2-bit data and d_head 2 fill no 8-bit bus word); such a
/// draw is redrawn from the same stream, at most <see cref="MaxAttempts"/> times.
/// <para>
/// One draw in <see cref="WideOneIn"/> (decided by a stream of its own, so the other draws are what they always were) is
/// wide: 16-bit data and one vector of more than <see cref="WideBits"/> bits that is not a multiple of them (d_model,
/// d_head or the sequence between <see cref="WideElements"/> and twice that), the width above which a bench moves a
/// vector in several words. Its macros are at least <see cref="WideMinSide"/> on a side, its other two dimensions one or
/// two steps, and it may hold up to <see cref="MaxWideHeadCells"/> cells (d_head 272 on 16x16 macros needs 21,760); the
/// other bounds are the same.
/// </para>
/// </remarks>
public static class RandomConfigs
{
    public const int MaxDModel = 256;
    public const int MaxDHead = 64;
    public const int MaxSequence = 64;
    public const int MaxMacroSide = 32;
    public const int MaxMacrosPerArray = 32;
    public const int MaxLutAddrBits = 10;

    /// <summary>Heads of a random array (fewer when the heads would hold more than twice <see cref="MaxHeadCells"/>).</summary>
    public const int MaxHeads = 4;

    /// <summary>PIM cells of the whole head (Q, K, V, K cache, V cache): 4x the tiny preset's 4096.</summary>
    public const int MaxHeadCells = 16384;

    /// <summary>Multipliers of the whole head: macros x InputLanes x AdcCount, 8x the tiny preset's 256 (the C++ compile grows with it).</summary>
    public const int MaxHeadMacLanes = 2048;
    public const int MaxAttempts = 1000;

    /// <summary>One draw in this many is wide (<see cref="WideVector"/>).</summary>
    public const int WideOneIn = 4;

    /// <summary>The widest vector a bench moves in one stimulus or trace word (ViewModels' ChunkBits).</summary>
    public const int WideBits = 4096;

    /// <summary>16-bit elements in <see cref="WideBits"/>: a wide dimension has more than this and fewer than twice this.</summary>
    public const int WideElements = WideBits / 16;

    /// <summary>PIM cells of a wide draw's head: 8x the tiny preset's 4096.</summary>
    public const int MaxWideHeadCells = 32768;

    /// <summary>The smallest macro side of a wide draw: 32 macros of 16 span more than <see cref="WideElements"/>.</summary>
    public const int WideMinSide = 16;

    /// <summary>The configuration of draw <paramref name="index"/> under master seed <paramref name="seed"/>.</summary>
    public static AttentionConfig Draw(int seed, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seed);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var rng = new SplitMix64(StreamSeed(seed, index, 0));
        var wide = Widening(seed, index);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (TryDraw(rng, wide) is { } head)
            {
                var config = WithArray(head, Stream(seed, index, 2));
                var errors = ConfigValidator.Validate(config);
                return errors.Count == 0 ? config : throw new InvalidOperationException(
                    $"random config {seed}:{index} broke a rule the sampler should respect: {string.Join("; ", errors)}");
            }
        }

        throw new InvalidOperationException($"random config {seed}:{index}: no valid draw in {MaxAttempts} attempts.");
    }

    /// <summary>Which vector of draw (<paramref name="seed"/>, <paramref name="index"/>) is wide, if any (its own stream, purpose 3).</summary>
    public static WideVector Widening(int seed, int index)
    {
        var r = Stream(seed, index, 3);
        return r.Next(1, WideOneIn) == 1 ? (WideVector)r.Next((int)WideVector.Token, (int)WideVector.Sequence) : WideVector.None;
    }

    /// <summary>A second, independent stream of draw (<paramref name="seed"/>, <paramref name="index"/>), e.g. for bench options.</summary>
    public static SplitMix64 Stream(int seed, int index, int purpose) => new(StreamSeed(seed, index, purpose));

    /// <summary>Parses <c>S:i</c> (two non-negative integers), the <c>--random-config</c> spelling of a draw.</summary>
    public static bool TryParse(string text, out int seed, out int index)
    {
        seed = index = 0;
        var parts = text.Split(':');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out seed)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    public static string Format(int seed, int index) => string.Create(CultureInfo.InvariantCulture, $"{seed}:{index}");

    private static ulong StreamSeed(int seed, int index, int purpose) =>
        SplitMix64.Mix(SplitMix64.Mix(SplitMix64.Mix((ulong)seed) ^ (ulong)index) ^ (ulong)purpose);

    private static AttentionConfig? TryDraw(SplitMix64 r, WideVector wide)
    {
        // A wide draw overrides values after drawing them, so that every other draw takes the same values from the stream.
        var dataWidth = 1 << r.Next(1, 4);
        dataWidth = wide == WideVector.None ? dataWidth : 16;
        var weightWidth = 1 << r.Next(1, 4);
        var sliceBits = 1 << r.Next(0, Log2(dataWidth));
        var probBits = sliceBits * r.Next((2 + sliceBits - 1) / sliceBits, 16 / sliceBits);

        // A wide dimension spans up to 32 macros of at least 16 rows or columns.
        var minSide = wide == WideVector.None ? 2 : WideMinSide;
        var rows = Math.Max(minSide, 1 << r.Next(1, Log2(MaxMacroSide)));
        var cols = Math.Max(minSide, 1 << r.Next(1, Log2(MaxMacroSide)));
        var lanes = 1 << r.Next(0, Log2(rows));
        var adcs = 1 << r.Next(0, Log2(cols));
        var sumBits = PimMath.ColumnSumBits(lanes, sliceBits, weightWidth);
        // An ideal ADC half the time; it needs the column sum's width, which may exceed the 32 bits an ADC can have.
        var (adcBits, adcShift) = r.Next(0, 1) == 0 && sumBits <= 32 ? (sumBits, 0) : (r.Next(2, 32), r.Next(0, sumBits - 1));

        var softmaxLanes = 1 << r.Next(0, 6);
        var side = Math.Max(rows, cols);
        // Beside a wide dimension the other two are one or two steps, so the head stays within MaxWideHeadCells.
        var dModel = wide == WideVector.Token ? Wide(r, rows) : rows * r.Next(1, wide == WideVector.None ? MaxDModel / rows : 2);
        var dHead = wide == WideVector.Head ? Wide(r, side) : side * r.Next(1, wide == WideVector.None ? MaxDHead / side : 2);
        var seqStep = Math.Max(side, softmaxLanes);
        var maxSeqLen = wide == WideVector.Sequence ? Wide(r, seqStep) : seqStep * r.Next(1, wide == WideVector.None ? MaxSequence / seqStep : 2);
        long[] arrays = [(long)dModel / rows * (dHead / cols), (long)dHead / rows * (maxSeqLen / cols), (long)maxSeqLen / rows * (dHead / cols)];
        var headMacros = MacroLayout.HeadMacros(arrays[0], arrays[1], arrays[2]);
        var maxCells = wide == WideVector.None ? MaxHeadCells : MaxWideHeadCells;
        if (arrays.Max() > MaxMacrosPerArray || headMacros * rows * cols > maxCells || headMacros * lanes * adcs > MaxHeadMacLanes)
        {
            return null;
        }

        var buses = Enumerable.Range(3, 8).Select(b => 1 << b)
            .Where(b => b >= dataWidth && b >= weightWidth && dHead * dataWidth % b == 0 && dModel * dataWidth % b == 0
                        && (long)dModel * dHead * weightWidth % b == 0)
            .ToList();
        if (buses.Count == 0)
        {
            return null;
        }

        var scoreShift = Shift(r, (2 * dataWidth) - 4 + (Log2Ceiling(dHead) / 2));
        return new AttentionConfig
        {
            Model = new ModelConfig { DModel = dModel, DHead = dHead, MaxSeqLen = maxSeqLen, Heads = 1, OutputProjection = false },
            Format = new FormatConfig { DataWidth = dataWidth, WeightWidth = weightWidth },
            Pim = new PimConfig
            {
                Rows = rows,
                Cols = cols,
                InputLanes = lanes,
                AdcCount = adcs,
                SliceBits = sliceBits,
                AdcBits = adcBits,
                AdcShift = adcShift,
            },
            Bus = new BusConfig { DataWidth = buses[r.Next(0, buses.Count - 1)], MaxOutstanding = 1 << r.Next(1, 6) },
            Quant = new QuantConfig
            {
                // x . W has about DataWidth + WeightWidth + log2(d_model)/2 significant bits; keep DataWidth of them.
                QShift = Shift(r, weightWidth + (Log2Ceiling(dModel) / 2)),
                KShift = Shift(r, weightWidth + (Log2Ceiling(dModel) / 2)),
                VShift = Shift(r, weightWidth + (Log2Ceiling(dModel) / 2)),
                // The probabilities sum to about 2^ProbBits.
                ContextShift = Shift(r, probBits),
                OutputShift = 0, // drawn with the array's keys (WithArray)
            },
            Softmax = new SoftmaxConfig
            {
                Mode = r.Next(0, 1) == 0 ? SoftmaxMode.Stable : SoftmaxMode.Window,
                ScoreShift = scoreShift,
                LutAddrBits = r.Next(2, MaxLutAddrBits),
                LutFracBits = r.Next(0, Math.Min(16, scoreShift)),
                ExpBits = r.Next(2, 24),
                ProbBits = probBits,
                Lanes = softmaxLanes,
            },
        };
    }

    /// <summary>
    /// The array's keys, from their own stream (so the head's keys of a draw do not depend on them): 1 to
    /// <see cref="MaxHeads"/> heads while all heads together stay within twice <see cref="MaxHeadCells"/>, W_O half the
    /// time when d_model is whole macro columns and W_O stays within <see cref="MaxMacrosPerArray"/> macros, and its shift.
    /// </summary>
    private static AttentionConfig WithArray(AttentionConfig c, SplitMix64 r)
    {
        var (rows, cols) = (c.Pim.Rows, c.Pim.Cols);
        long headCells = (3L * c.Model.DModel * c.Model.DHead) + (2L * c.Model.DHead * c.Model.MaxSeqLen);
        var heads = r.Next(1, MaxHeads);
        while (heads > 1 && heads * headCells > 2L * MaxHeadCells)
        {
            heads--;
        }

        var woMacros = (long)heads * c.Model.DHead / rows * (c.Model.DModel / cols);
        var projection = r.Next(0, 1) == 1 && c.Model.DModel % cols == 0 && woMacros <= MaxMacrosPerArray;
        var outputShift = Shift(r, c.Format.WeightWidth + (Log2Ceiling(heads * c.Model.DHead) / 2));
        return c with
        {
            Model = c.Model with { Heads = heads, OutputProjection = projection },
            Quant = c.Quant with { OutputShift = outputShift },
        };
    }

    /// <summary>
    /// A multiple of <paramref name="step"/> (a power of two up to 64) above <see cref="WideElements"/> and below twice that:
    /// 16-bit elements then fill more than <see cref="WideBits"/> bits and never a multiple of them.
    /// </summary>
    private static int Wide(SplitMix64 r, int step) => step * r.Next((WideElements / step) + 1, ((2 * WideElements) - 1) / step);

    /// <summary>A shift in 0..48: near <paramref name="natural"/> (within 3) three times in four, anywhere otherwise.</summary>
    private static int Shift(SplitMix64 r, int natural) =>
        r.Next(0, 3) == 0 ? r.Next(0, 48) : Math.Clamp(natural + r.Next(-3, 3), 0, 48);

    private static int Log2(int powerOfTwo) => System.Numerics.BitOperations.Log2((uint)powerOfTwo);

    private static int Log2Ceiling(int value) => Log2((int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)value));
}

/// <summary>The vector a wide random draw makes wider than one bench word (<see cref="RandomConfigs.WideBits"/>).</summary>
public enum WideVector
{
    /// <summary>No vector beyond <see cref="RandomConfigs.WideBits"/> bits.</summary>
    None,

    /// <summary>The token (d_model 16-bit activations): the projections' input.</summary>
    Token,

    /// <summary>The head vector (d_head activations): q, k, v, the context, and their accumulators.</summary>
    Head,

    /// <summary>The sequence (max seq len scores or probabilities): the scores, softmax and the context's input.</summary>
    Sequence,
}

/// <summary>SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and its output is fixed by its definition.</summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>A value in [<paramref name="min"/>, <paramref name="max"/>], both inclusive.</summary>
    public int Next(int min, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        return min + (int)(NextUInt64() % (ulong)((long)max - min + 1));
    }

    /// <summary>The SplitMix64 finalizer: a bijective scramble of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
