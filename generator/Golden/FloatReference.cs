using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// The fixed-point format of every quantity of the head: a value v_int stands for v_int / 2^f, with f the
/// fraction bits below (docs/NUMERICS.md, "The float reference"). The integer hardware only shifts; these
/// are the real numbers those shifts imply when x has <see cref="Fx"/> and the weights <see cref="Fw"/>
/// fraction bits.
/// </summary>
public sealed record HeadScales(int Fx, int Fw, int QShift, int KShift, int VShift, int ContextShift, int ScoreShift, int ProbBits)
{
    public static HeadScales Of(AttentionConfig config, int fx, int fw) => new(fx, fw, config.Quant.QShift, config.Quant.KShift,
        config.Quant.VShift, config.Quant.ContextShift, config.Softmax.ScoreShift, config.Softmax.ProbBits);

    /// <summary>
    /// The formats for x ~ N(0, 1) and W ~ N(0, 1/d_model), 4 sigma inside the range: fx = DataWidth - 3 and
    /// fw = WeightWidth - 3 + floor(log2(d_model) / 2).
    /// </summary>
    public static HeadScales ForUnitGaussian(AttentionConfig config) =>
        Of(config, config.Format.DataWidth - 3, config.Format.WeightWidth - 3 + (int)Math.Floor(Math.Log2(config.Model.DModel) / 2));

    /// <summary>Fraction bits of q: the product x . W_Q has fx + fw, the requantizer drops QShift.</summary>
    public int Fq => Fx + Fw - QShift;

    public int Fk => Fx + Fw - KShift;

    public int Fv => Fx + Fw - VShift;

    /// <summary>Fraction bits of a score s = q . k.</summary>
    public int Fs => Fq + Fk;

    /// <summary>Fraction bits of the output o = Requantize(p . V, ContextShift), with p in units of 2^-ProbBits.</summary>
    public int Fo => ProbBits + Fv - ContextShift;

    /// <summary>
    /// The logit scale: the softmax reads a score s as the logit s / 2^ScoreShift, and s = (q . k)_real * 2^Fs, so
    /// logit = tau * (q . k)_real with tau = 2^(Fs - ScoreShift). It stands in for 1/sqrt(d_head).
    /// </summary>
    public double Tau => Math.ScaleB(1.0, Fs - ScoreShift);

    /// <summary>The real value of an integer with <paramref name="fractionBits"/> fraction bits.</summary>
    public static double Real(long value, int fractionBits) => Math.ScaleB(value, -fractionBits);
}

/// <summary>What the float reference computed for one token: q, k, v (d_head), the logits and p of tokens 0..t, o.</summary>
public sealed record FloatStep(int Token, double[] Q, double[] K, double[] V, double[] Logits, double[] Probabilities, double[] Output);

/// <summary>
/// Double-precision attention, the yardstick for <see cref="AttentionHead"/>: the same causal decode with no
/// quantization, no LUT and no saturation: q = x W_Q, k = x W_K, v = x W_V, logit_t = tau * (q . k_t),
/// p = softmax over t = 0..T, o = sum of p_t v_t.
/// </summary>
public sealed class FloatReference
{
    private readonly double[][,] _weights;
    private readonly List<double[]> _keys = [];
    private readonly List<double[]> _values = [];

    /// <param name="wq">W_Q, d_model x d_head.</param>
    /// <param name="wk">W_K, d_model x d_head.</param>
    /// <param name="wv">W_V, d_model x d_head.</param>
    /// <param name="tau">The logit scale (1/sqrt(d_head) in the textbook; <see cref="HeadScales.Tau"/> for the hardware).</param>
    public FloatReference(double[,] wq, double[,] wk, double[,] wv, double tau)
    {
        DModel = wq.GetLength(0);
        DHead = wq.GetLength(1);
        if (new[] { wk, wv }.Any(w => w.GetLength(0) != DModel || w.GetLength(1) != DHead))
        {
            throw new ArgumentException($"W_K and W_V must have W_Q's shape, {DModel}x{DHead}");
        }

        _weights = [wq, wk, wv];
        Tau = tau;
    }

    /// <summary>
    /// The reference for integer weights de-quantized with <paramref name="scales"/> (W_real = W_int / 2^fw) and
    /// the logit scale the hardware implements.
    /// </summary>
    public static FloatReference Dequantized(HeadScales scales, long[,] wq, long[,] wk, long[,] wv)
    {
        double[,] Real(long[,] w)
        {
            var real = new double[w.GetLength(0), w.GetLength(1)];
            for (var r = 0; r < w.GetLength(0); r++)
            {
                for (var c = 0; c < w.GetLength(1); c++)
                {
                    real[r, c] = HeadScales.Real(w[r, c], scales.Fw);
                }
            }

            return real;
        }

        return new FloatReference(Real(wq), Real(wk), Real(wv), scales.Tau);
    }

    public int DModel { get; }

    public int DHead { get; }

    public double Tau { get; }

    /// <summary>Tokens of the current sequence so far.</summary>
    public int Count => _keys.Count;

    public FloatStep Step(IReadOnlyList<double> x)
    {
        if (x.Count != DModel)
        {
            throw new ArgumentException($"x must hold {DModel} values", nameof(x));
        }

        var q = Project(x, _weights[0]);
        var k = Project(x, _weights[1]);
        var v = Project(x, _weights[2]);
        _keys.Add(k);
        _values.Add(v);

        var logits = _keys.Select(key => Tau * Dot(q, key)).ToArray();
        var p = Softmax(logits);

        var o = new double[DHead];
        for (var t = 0; t < p.Length; t++)
        {
            for (var c = 0; c < DHead; c++)
            {
                o[c] += p[t] * _values[t][c];
            }
        }

        return new FloatStep(Count - 1, q, k, v, logits, p, o);
    }

    /// <summary>Double-precision softmax, the maximum subtracted first.</summary>
    public static double[] Softmax(IReadOnlyList<double> logits)
    {
        var max = logits.Max();
        var weights = logits.Select(l => Math.Exp(l - max)).ToArray();
        var total = weights.Sum();
        return [.. weights.Select(w => w / total)];
    }

    /// <summary>Starts a new sequence; the weights stay.</summary>
    public void Reset()
    {
        _keys.Clear();
        _values.Clear();
    }

    private double[] Project(IReadOnlyList<double> x, double[,] w)
    {
        var y = new double[DHead];
        for (var r = 0; r < DModel; r++)
        {
            var xr = x[r];
            for (var c = 0; c < DHead; c++)
            {
                y[c] += xr * w[r, c];
            }
        }

        return y;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}

/// <summary>What the array's float reference computed for one token: each head's step, their outputs concatenated, the output row.</summary>
public sealed record ArrayFloatStep(int Token, FloatStep[] Heads, double[] Concatenation, double[] Output);

/// <summary>
/// Double-precision reference of the array (<see cref="MultiHeadAttention"/>): every head's <see cref="FloatReference"/>
/// on the same token, their outputs concatenated in head order, then y = concat W_O when the array has an output
/// projection. Nothing is rounded or saturated between the heads and W_O.
/// </summary>
public sealed class ArrayFloatReference
{
    private readonly double[,]? _wo;

    /// <param name="heads">One reference per head, all of the same d_model and d_head.</param>
    /// <param name="wo">W_O, (heads x d_head) x d_model, or null for the concatenation alone.</param>
    public ArrayFloatReference(IReadOnlyList<FloatReference> heads, double[,]? wo)
    {
        if (heads.Count == 0 || heads.Any(h => h.DModel != heads[0].DModel || h.DHead != heads[0].DHead))
        {
            throw new ArgumentException("an array needs at least one head, all of the same d_model and d_head", nameof(heads));
        }

        var concat = heads.Count * heads[0].DHead;
        if (wo is not null && wo.GetLength(0) != concat)
        {
            throw new ArgumentException($"W_O must have {concat} rows (heads x d_head), got {wo.GetLength(0)}", nameof(wo));
        }

        Heads = heads;
        _wo = wo;
    }

    /// <summary>
    /// The reference for an array's integer inputs (<c>Accuracy.DrawArray</c>, Experiments), de-quantized with its scales: every
    /// weight, W_O included, has <see cref="HeadScales.Fw"/> fraction bits.
    /// </summary>
    public static ArrayFloatReference Dequantized(ArrayInputs inputs, CancellationToken ct = default)
    {
        var scales = inputs.Scales;
        var heads = inputs.Heads.Select(h =>
        {
            ct.ThrowIfCancellationRequested();
            return FloatReference.Dequantized(scales, h.Wq, h.Wk, h.Wv);
        }).ToList();
        return new ArrayFloatReference(heads, inputs.Wo is null ? null : Real(inputs.Wo, scales.Fw));
    }

    /// <summary>
    /// Fraction bits of the array's integer output row: the heads' <see cref="HeadScales.Fo"/>, or after W_O
    /// Fo + Fw - Quant.OutputShift.
    /// </summary>
    public static int OutputFractionBits(AttentionConfig config, HeadScales scales) =>
        config.Model.OutputProjection ? scales.Fo + scales.Fw - config.Quant.OutputShift : scales.Fo;

    public IReadOnlyList<FloatReference> Heads { get; }

    /// <summary>Elements of an output row: d_model after W_O, else heads x d_head.</summary>
    public int OutputElements => _wo?.GetLength(1) ?? (Heads.Count * Heads[0].DHead);

    /// <summary>The next token through every head (and W_O); <paramref name="ct"/> is checked between heads.</summary>
    public ArrayFloatStep Step(IReadOnlyList<double> x, CancellationToken ct = default)
    {
        var steps = Heads.Select(h =>
        {
            ct.ThrowIfCancellationRequested();
            return h.Step(x);
        }).ToArray();
        ct.ThrowIfCancellationRequested();
        double[] concatenation = [.. steps.SelectMany(s => s.Output)];
        if (_wo is null)
        {
            return new ArrayFloatStep(steps[0].Token, steps, concatenation, concatenation);
        }

        var y = new double[_wo.GetLength(1)];
        for (var r = 0; r < concatenation.Length; r++)
        {
            for (var c = 0; c < y.Length; c++)
            {
                y[c] += concatenation[r] * _wo[r, c];
            }
        }

        return new ArrayFloatStep(steps[0].Token, steps, concatenation, y);
    }

    /// <summary>Starts a new sequence in every head; the weights stay.</summary>
    public void Reset()
    {
        foreach (var head in Heads)
        {
            head.Reset();
        }
    }

    private static double[,] Real(long[,] w, int fractionBits)
    {
        var real = new double[w.GetLength(0), w.GetLength(1)];
        for (var r = 0; r < w.GetLength(0); r++)
        {
            for (var c = 0; c < w.GetLength(1); c++)
            {
                real[r, c] = HeadScales.Real(w[r, c], fractionBits);
            }
        }

        return real;
    }
}
