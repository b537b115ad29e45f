namespace AttentionLego.Gen.Config;

/// <summary>
/// Named configurations. <see cref="Paper"/> is the base (the published design); every other preset is a
/// small <c>with</c> delta of it, so a reader sees exactly what differs.
/// </summary>
public static class Presets
{
    /// <summary>The published AttentionLego sizes (LLaMA-7B head), with its lossy 6-bit ADC.</summary>
    public static AttentionConfig Paper { get; } = new()
    {
        Model = new ModelConfig { DModel = 4096, DHead = 128, MaxSeqLen = 2048, Heads = 1, OutputProjection = false },
        Format = new FormatConfig { DataWidth = 8, WeightWidth = 8 },
        // The published macro keeps bits [11:6] of its partial sum: a 6-bit ADC after a right shift by 6.
        Pim = new PimConfig
        {
            Rows = 128,
            Cols = 128,
            InputLanes = 16,
            AdcCount = 16,
            SliceBits = 4,
            AdcBits = 6,
            AdcShift = 6,
        },
        Bus = new BusConfig { DataWidth = 32, MaxOutstanding = 8 },
        Quant = new QuantConfig { QShift = 11, KShift = 11, VShift = 11, ContextShift = 8, OutputShift = 11 },
        // 32 lanes: the published softmax handles 32 scores per cycle (IO_WIDTH).
        Softmax = new SoftmaxConfig
        {
            Mode = SoftmaxMode.Stable,
            ScoreShift = 13,
            LutAddrBits = 8,
            LutFracBits = 5,
            ExpBits = 16,
            ProbBits = 8,
            Lanes = 32,
        },
    };

    /// <summary>The paper's dimensions with a lossless ADC (enough bits, no shift).</summary>
    public static AttentionConfig PaperExact { get; } = WithIdealAdc(Paper);

    /// <summary>Small enough that the whole regression stays fast.</summary>
    public static AttentionConfig Tiny { get; } = WithIdealAdc(PaperExact with
    {
        Model = new ModelConfig { DModel = 64, DHead = 16, MaxSeqLen = 32, Heads = 1, OutputProjection = false },
        Pim = PaperExact.Pim with { Rows = 16, Cols = 16, InputLanes = 4, AdcCount = 4 },
        Quant = PaperExact.Quant with { QShift = 8, KShift = 8, VShift = 8, OutputShift = 8 },
        Softmax = PaperExact.Softmax with { ScoreShift = 12, Lanes = 4 },
    });

    /// <summary>Two tiny heads side by side, their outputs concatenated (no W_O): the smallest array.</summary>
    public static AttentionConfig TinyMha2 { get; } = Tiny with { Model = Tiny.Model with { Heads = 2 } };

    /// <summary>Four tiny heads (4 x 16 = d_model 64) and W_O: a whole, small multi-head attention layer.</summary>
    public static AttentionConfig TinyMha4 { get; } = Tiny with { Model = Tiny.Model with { Heads = 4, OutputProjection = true } };

    /// <summary>32 of the paper's heads and W_O (4096 x 4096): one LLaMA-7B attention layer.</summary>
    public static AttentionConfig PaperMha { get; } = Paper with { Model = Paper.Model with { Heads = 32, OutputProjection = true } };

    public static IReadOnlyList<Preset> All { get; } =
    [
        new("tiny", "d_model 64, d_head 16, max seq 32, 16x16 macros, ideal ADC: the fast regression size", Tiny),
        new("paper", "the published design: d_model 4096, d_head 128, max seq 2048, 128x128 macros, 6-bit ADC", Paper),
        new("paper-exact", "the paper's dimensions with an ideal (lossless) ADC", PaperExact),
        new("tiny-mha2", "two tiny heads sharing the memory port, outputs concatenated (no W_O)", TinyMha2),
        new("tiny-mha4", "four tiny heads (4 x 16 = d_model 64) and the output projection W_O: a small attention layer", TinyMha4),
        new("paper-mha", "32 paper heads and W_O (4096 x 4096): one LLaMA-7B attention layer", PaperMha),
    ];

    public static string Names => string.Join(", ", All.Select(p => p.Name));

    public static Preset? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Returns <paramref name="config"/> with AdcShift 0 and just enough ADC bits to be exact.</summary>
    public static AttentionConfig WithIdealAdc(AttentionConfig config) => config with
    {
        Pim = config.Pim with { AdcShift = 0, AdcBits = PimMath.IdealAdcBits(config.Pim, config.Format) },
    };
}

public sealed record Preset(string Name, string Description, AttentionConfig Config);
