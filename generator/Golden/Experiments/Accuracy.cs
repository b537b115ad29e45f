using System.Diagnostics;
using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Experiments;

/// <summary>
/// The exp LUT against exp(), in LSBs of ExpBits (2^-ExpBits): entry i approximates 2^ExpBits * exp(-i / 2^LutFracBits).
/// </summary>
/// <param name="MaxErrorLsb">Largest |Lut[i] - 2^ExpBits exp(-i / 2^LutFracBits)| over every entry.</param>
/// <param name="MaxErrorIndex">The entry where it occurs.</param>
/// <param name="MaxErrorPastZeroLsb">The same over the entries i &gt; 0 (entry 0 saturates, the others round).</param>
/// <param name="Entry0">Lut[0]: exp(0) = 2^ExpBits saturated to 2^ExpBits - 1.</param>
/// <param name="TailLsb">2^ExpBits exp(-Entries / 2^LutFracBits): what stable mode drops by reading 0 past the LUT.</param>
public sealed record LutAccuracy(int Entries, int ExpBits, int LutFracBits, double MaxErrorLsb, int MaxErrorIndex, double MaxErrorPastZeroLsb,
    long Entry0, double TailLsb);

/// <summary>
/// The integer head against the float reference over one token stream (docs/NUMERICS.md, "Accuracy"). Errors
/// are in output LSBs, 2^-Fo: |o_int - o_float * 2^Fo|.
/// </summary>
/// <param name="Cosine">Cosine similarity of the de-quantized integer outputs and the float outputs, all tokens' outputs concatenated.</param>
/// <param name="MinTokenCosine">The smallest cosine similarity of one token's output vector.</param>
/// <param name="MinCosineToken">The token where it occurs.</param>
/// <param name="OutputRmsLsb">Root mean square of the float outputs in LSBs: how much of the range a typical output uses.</param>
/// <param name="SaturatedOutputs">Integer outputs at a rail (-2^(DataWidth-1) or 2^(DataWidth-1) - 1).</param>
/// <param name="FloatOutputsOutOfRange">Float outputs that round outside the integer range: they saturate even with exact arithmetic.</param>
/// <param name="MaxProbabilityErrorLsb">Largest |p_int - p_float * 2^ProbBits| over every token and every t it attends to.</param>
public sealed record AccuracyReport(int Seed, int Tokens, HeadScales Scales, double Cosine, double MinTokenCosine, int MinCosineToken,
    double MaxErrorLsb, double MeanErrorLsb, double OutputRmsLsb, int Outputs, int SaturatedOutputs, int FloatOutputsOutOfRange,
    double MaxProbabilityErrorLsb, LutAccuracy Lut, TimeSpan Elapsed)
{
    /// <summary>One output LSB as a real number, 2^-Fo.</summary>
    public double Lsb => Math.ScaleB(1.0, -Scales.Fo);
}

/// <summary>
/// An accuracy run with every output's error: <see cref="Report"/> (for an array its errors, cosine and saturation are
/// those of the array's output row), the errors |o_int - o_float 2^f| in output LSBs in token and element order, and
/// f, the output row's fraction bits (<see cref="HeadScales.Fo"/> for a head).
/// </summary>
public sealed record AccuracyMeasurement(AccuracyReport Report, double[] ErrorsLsb, int OutputFractionBits, bool Array);

/// <summary>
/// The accuracy experiment: seeded Gaussian tokens and weights, quantized to the configuration's widths, run through
/// <see cref="AttentionHead"/> and <see cref="FloatReference"/> on the same (de-quantized) numbers.
/// </summary>
public static class Accuracy
{
    /// <summary>
    /// Default sequence length: 64 tokens, or MaxSeqLen when the caches hold fewer (tiny: 32). Every token costs about
    /// the same (the score and context arrays always compute all MaxSeqLen columns), about 50 ms at the paper size, so
    /// 64 tokens take 3 to 5 s there, cheap enough for a test; and by then the attention is spread over many tokens,
    /// so the 8-bit probabilities are well below one and their rounding shows. Longer sequences lose more (2048
    /// tokens: docs/NUMERICS.md, "Accuracy"), at about 100 s per run.
    /// </summary>
    public static int DefaultTokens(AttentionConfig config) => Math.Min(config.Model.MaxSeqLen, 64);

    /// <summary>
    /// Draws the inputs with <see cref="Random"/>(<paramref name="seed"/>), in this order: W_Q, W_K, W_V (row-major,
    /// each element N(0, 1/d_model)), then the tokens (each element N(0, 1)); every value is rounded to the nearest
    /// step of its format (<see cref="HeadScales.ForUnitGaussian"/>) and saturated to its width.
    /// </summary>
    public static AccuracyInputs Draw(AttentionConfig config, int seed, int tokens, CancellationToken ct = default)
    {
        var single = DrawArray(config with { Model = config.Model with { Heads = 1, OutputProjection = false } }, seed, tokens, ct);
        var (wq, wk, wv) = single.Heads[0];
        return new AccuracyInputs(seed, single.Scales, wq, wk, wv, single.Tokens);
    }

    /// <summary>
    /// The inputs of an array (<see cref="MultiHeadAttention"/>), drawn like <see cref="Draw"/> from one
    /// <see cref="Random"/>(<paramref name="seed"/>): each head's W_Q, W_K, W_V in head order, then W_O (each element
    /// N(0, 1/(Heads x d_head))) when the array has one, then the tokens. A one-head array without W_O draws exactly
    /// what <see cref="Draw"/> does. <paramref name="ct"/> is checked per row (paper-mha draws 67 million weights).
    /// </summary>
    public static ArrayInputs DrawArray(AttentionConfig config, int seed, int tokens, CancellationToken ct = default)
    {
        var scales = HeadScales.ForUnitGaussian(config);
        var (dModel, dHead, heads) = (config.Model.DModel, config.Model.DHead, config.Model.Heads);
        var random = new Random(seed);

        long[,] Weights(int rows, int cols)
        {
            var sigma = 1 / Math.Sqrt(rows);
            var w = new long[rows, cols];
            for (var r = 0; r < rows; r++)
            {
                ct.ThrowIfCancellationRequested();
                for (var c = 0; c < cols; c++)
                {
                    w[r, c] = Quantize(sigma * NextGaussian(random), scales.Fw, config.Format.WeightWidth);
                }
            }

            return w;
        }

        var perHead = new List<(long[,], long[,], long[,])>();
        for (var h = 0; h < heads; h++)
        {
            perHead.Add((Weights(dModel, dHead), Weights(dModel, dHead), Weights(dModel, dHead)));
        }

        var wo = config.Model.OutputProjection ? Weights(heads * dHead, dModel) : null;
        var x = Enumerable.Range(0, tokens)
            .Select(_ =>
            {
                ct.ThrowIfCancellationRequested();
                return Enumerable.Range(0, dModel).Select(_ => Quantize(NextGaussian(random), scales.Fx, config.Format.DataWidth)).ToArray();
            })
            .ToArray();
        return new ArrayInputs(seed, scales, perHead, wo, x);
    }

    /// <summary>
    /// Runs <see cref="Draw"/>'s inputs through both models and compares the outputs. Every method here checks
    /// <paramref name="ct"/> at least once per token (and per head of an array): a paper-size token takes tens of ms.
    /// </summary>
    public static AccuracyReport Run(AttentionConfig config, int seed, int tokens, CancellationToken ct = default) => MeasureHead(config, seed, tokens, ct).Report;

    /// <summary>
    /// The accuracy of what the configuration builds: <see cref="MeasureArray"/> for an array (more than one head, or
    /// W_O), else <see cref="MeasureHead"/>; with every output's error.
    /// </summary>
    public static AccuracyMeasurement Measure(AttentionConfig config, int seed, int tokens, CancellationToken ct = default) =>
        config.Model.IsArray ? MeasureArray(config, seed, tokens, ct) : MeasureHead(config, seed, tokens, ct);

    /// <summary><see cref="Run"/>, with every output's error in LSBs.</summary>
    public static AccuracyMeasurement MeasureHead(AttentionConfig config, int seed, int tokens, CancellationToken ct = default)
    {
        CheckTokens(config, tokens);
        var stopwatch = Stopwatch.StartNew();
        var inputs = Draw(config, seed, tokens, ct);
        var scales = inputs.Scales;
        var head = new AttentionHead(config);
        head.LoadWeights(Projection.Query, inputs.Wq);
        head.LoadWeights(Projection.Key, inputs.Wk);
        head.LoadWeights(Projection.Value, inputs.Wv);
        var reference = FloatReference.Dequantized(scales, inputs.Wq, inputs.Wk, inputs.Wv);
        var tally = new Tally(config, scales.Fo);
        foreach (var x in inputs.Tokens)
        {
            ct.ThrowIfCancellationRequested();
            var step = head.Step(x);
            var expected = reference.Step([.. x.Select(v => HeadScales.Real(v, scales.Fx))]);
            tally.Add(step.Token, step.Output, expected.Output, [(step.Probabilities, expected.Probabilities)]);
        }

        return tally.Finish(seed, tokens, scales, MeasureLut(head.Softmax), stopwatch.Elapsed, array: false);
    }

    /// <summary>
    /// The array (<see cref="MultiHeadAttention"/>) on <see cref="DrawArray"/>'s inputs against
    /// <see cref="ArrayFloatReference"/>: errors of the output row (the concatenation, or W_O's output) in its LSBs,
    /// 2^-<see cref="ArrayFloatReference.OutputFractionBits"/>; probability errors over every head.
    /// </summary>
    public static AccuracyMeasurement MeasureArray(AttentionConfig config, int seed, int tokens, CancellationToken ct = default)
    {
        CheckTokens(config, tokens);
        var stopwatch = Stopwatch.StartNew();
        var inputs = DrawArray(config, seed, tokens, ct);
        var scales = inputs.Scales;
        var model = inputs.Load(config, ct);
        var reference = ArrayFloatReference.Dequantized(inputs, ct);
        var tally = new Tally(config, ArrayFloatReference.OutputFractionBits(config, scales));
        foreach (var x in inputs.Tokens)
        {
            var step = model.Step(x, ct);
            var expected = reference.Step([.. x.Select(v => HeadScales.Real(v, scales.Fx))], ct);
            tally.Add(step.Token, step.Output, expected.Output,
                [.. step.Heads.Zip(expected.Heads, (h, e) => (h.Probabilities, e.Probabilities))]);
        }

        return tally.Finish(seed, tokens, scales, MeasureLut(model.Heads[0].Softmax), stopwatch.Elapsed, array: true);
    }

    private static void CheckTokens(AttentionConfig config, int tokens)
    {
        if (tokens < 1 || tokens > config.Model.MaxSeqLen)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens, $"must be 1..Model.MaxSeqLen ({config.Model.MaxSeqLen})");
        }
    }

    /// <summary>Sums of the comparison over the tokens; the same arithmetic for a head and an array.</summary>
    private sealed class Tally(AttentionConfig config, int outputFractionBits)
    {
        private readonly long _min = FixedPoint.MinSigned(config.Format.DataWidth);
        private readonly long _max = FixedPoint.MaxSigned(config.Format.DataWidth);
        private readonly double _probOne = Math.ScaleB(1.0, config.Softmax.ProbBits);
        private readonly List<double> _errors = [];
        private double _dot, _normInt, _normFloat, _errorSum, _maxError, _squares, _maxProbError;
        private double _minCosine = double.PositiveInfinity;
        private int _minCosineToken, _saturated, _outOfRange;

        public void Add(int token, long[] output, double[] expected, IEnumerable<(long[] Actual, double[] Expected)> probabilities)
        {
            double tokenDot = 0, tokenInt = 0, tokenFloat = 0;
            for (var c = 0; c < output.Length; c++)
            {
                var actual = HeadScales.Real(output[c], outputFractionBits);
                var ideal = expected[c];
                var idealLsb = Math.ScaleB(ideal, outputFractionBits);
                var error = Math.Abs(output[c] - idealLsb);
                _errors.Add(error);
                (_errorSum, _maxError, _squares) = (_errorSum + error, Math.Max(_maxError, error), _squares + (idealLsb * idealLsb));
                (tokenDot, tokenInt, tokenFloat) = (tokenDot + (actual * ideal), tokenInt + (actual * actual), tokenFloat + (ideal * ideal));
                _saturated += output[c] == _min || output[c] == _max ? 1 : 0;
                var rounded = Math.Round(idealLsb, MidpointRounding.AwayFromZero);
                _outOfRange += rounded < _min || rounded > _max ? 1 : 0;
            }

            foreach (var (actual, ideal) in probabilities)
            {
                for (var t = 0; t <= token; t++)
                {
                    _maxProbError = Math.Max(_maxProbError, Math.Abs(actual[t] - (ideal[t] * _probOne)));
                }
            }

            (_dot, _normInt, _normFloat) = (_dot + tokenDot, _normInt + tokenInt, _normFloat + tokenFloat);
            var cosine = Cosine(tokenDot, tokenInt, tokenFloat);
            if (cosine < _minCosine)
            {
                (_minCosine, _minCosineToken) = (cosine, token);
            }
        }

        public AccuracyMeasurement Finish(int seed, int tokens, HeadScales scales, LutAccuracy lut, TimeSpan elapsed, bool array)
        {
            var outputs = _errors.Count;
            var report = new AccuracyReport(seed, tokens, scales, Cosine(_dot, _normInt, _normFloat), _minCosine, _minCosineToken, _maxError,
                _errorSum / outputs, Math.Sqrt(_squares / outputs), outputs, _saturated, _outOfRange, _maxProbError, lut, elapsed);
            return new AccuracyMeasurement(report, [.. _errors], outputFractionBits, array);
        }
    }

    /// <summary>The exp LUT of <paramref name="softmax"/> against exp().</summary>
    public static LutAccuracy MeasureLut(SoftmaxModel softmax)
    {
        var s = softmax.Config.Softmax;
        double Ideal(int i) => SoftmaxModel.IdealExp(s, i);
        var errors = softmax.Lut.Select((entry, i) => Math.Abs(entry - Ideal(i))).ToArray();
        var worst = Array.IndexOf(errors, errors.Max());
        return new LutAccuracy(errors.Length, s.ExpBits, s.LutFracBits, errors[worst], worst, errors.Skip(1).DefaultIfEmpty(0).Max(),
            softmax.Lut[0], Ideal(errors.Length));
    }

    /// <summary>Round to the nearest multiple of 2^-fractionBits (halves away from zero), then saturate to <paramref name="width"/> bits.</summary>
    public static long Quantize(double value, int fractionBits, int width) =>
        (long)Math.Clamp(Math.Round(Math.ScaleB(value, fractionBits), MidpointRounding.AwayFromZero), FixedPoint.MinSigned(width), FixedPoint.MaxSigned(width));

    /// <summary>One N(0, 1) sample by the Box-Muller transform (the cosine half; two uniforms per sample).</summary>
    public static double NextGaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>dot / (|a| |b|); 1 when both vectors are zero, 0 when only one is.</summary>
    private static double Cosine(double dot, double squaresA, double squaresB) =>
        squaresA == 0 && squaresB == 0 ? 1 : squaresA == 0 || squaresB == 0 ? 0 : dot / Math.Sqrt(squaresA * squaresB);
}
