using AttentionLego.Gen.Config;

namespace AttentionLego.Tests.Golden;

/// <summary>
/// One macro geometry and matrix size for the golden-model tests. <see cref="Config"/> builds a configuration
/// that keeps the model dimensions legal for the macro (DModel a multiple of Rows, DHead and MaxSeqLen
/// multiples of Rows and Cols), so the validator has nothing to say about the test data.
/// </summary>
public sealed record Geometry(
    int Rows, int Cols, int InputLanes, int AdcCount, int SliceBits, int DataWidth, int WeightWidth, int MacrosIn, int MacrosOut)
{
    public int InDim => Rows * MacrosIn;

    public int OutDim => Cols * MacrosOut;

    /// <summary>A random seed that depends only on the fields (record hash codes vary between runs).</summary>
    public int Seed => new[] { Rows, Cols, InputLanes, AdcCount, SliceBits, DataWidth, WeightWidth, MacrosIn, MacrosOut }
        .Aggregate(17, (seed, value) => unchecked((seed * 31) + value));

    /// <summary>The configuration with an ideal ADC (no shift, just enough bits).</summary>
    public AttentionConfig IdealConfig() => Presets.WithIdealAdc(BaseConfig(adcBits: 32, adcShift: 0));

    /// <summary>The configuration with the given (typically lossy) ADC.</summary>
    public AttentionConfig LossyConfig(int adcBits, int adcShift) => BaseConfig(adcBits, adcShift);

    public MatrixShape Shape(AttentionConfig config) => new(config, InDim, OutDim);

    public override string ToString() =>
        $"{Rows}x{Cols} macro, {InputLanes} lanes, {AdcCount} ADCs, {SliceBits}-bit slices, x{DataWidth} w{WeightWidth}, {MacrosIn}x{MacrosOut} macros";

    private AttentionConfig BaseConfig(int adcBits, int adcShift)
    {
        var side = Math.Max(Rows, Cols);
        return Presets.Tiny with
        {
            Model = new ModelConfig { DModel = InDim, DHead = side, MaxSeqLen = side, Heads = 1, OutputProjection = false },
            // The softmax handles whole groups of lanes, so a short sequence needs fewer lanes than tiny's.
            Softmax = Presets.Tiny.Softmax with { Lanes = Math.Min(Presets.Tiny.Softmax.Lanes, side) },
            Format = new FormatConfig { DataWidth = DataWidth, WeightWidth = WeightWidth },
            // A byte-wide bus: these small matrices' tokens and outputs must be whole bus words.
            Bus = Presets.Tiny.Bus with { DataWidth = 8 },
            Pim = Presets.Tiny.Pim with
            {
                Rows = Rows,
                Cols = Cols,
                InputLanes = InputLanes,
                AdcCount = AdcCount,
                SliceBits = SliceBits,
                AdcBits = adcBits,
                AdcShift = adcShift,
            },
        };
    }
}
