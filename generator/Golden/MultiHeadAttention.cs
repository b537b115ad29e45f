using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Everything one token produced in the array: each head's <see cref="HeadStep"/>, the concatenation of their outputs
/// in head order (Heads x DHead activations), and the array's output row (the concatenation, or W_O applied to it).
/// </summary>
public sealed record ArrayStep(int Token, HeadStep[] Heads, long[] Concatenation, long[] Output);

/// <summary>
/// Golden model of <c>al_array</c> (docs/NUMERICS.md, "The array"): <c>Model.Heads</c> independent
/// <see cref="AttentionHead"/>s that all take the same token, their outputs concatenated in head order, and with
/// <c>Model.OutputProjection</c> the output projection y = Requantize(concat . W_O, Quant.OutputShift), W_O being one
/// more weight-stationary <see cref="PimMatrixModel"/> of (Heads x DHead) x DModel weights.
/// </summary>
public sealed class MultiHeadAttention
{
    private readonly PimMatrixModel? _wo;

    public MultiHeadAttention(AttentionConfig config)
    {
        Config = config;
        Heads = [.. Enumerable.Range(0, config.Model.Heads).Select(h => new AttentionHead(config, h))];
        var faults = PimFaults.Of(config);
        _wo = config.Model.OutputProjection ? new PimMatrixModel(config.OutputProjectionShape, faults, faults.Layout.OutputBase) : null;
    }

    public AttentionConfig Config { get; }

    public IReadOnlyList<AttentionHead> Heads { get; }

    /// <summary>W_O, or null without the output projection.</summary>
    public PimMatrixModel? OutputProjection => _wo;

    /// <summary>Tokens of the current sequence (every head holds the same count).</summary>
    public int Count => Heads[0].Count;

    /// <summary>Writes W_O's (Heads x DHead) x DModel weights (row = concatenation element, column = output element).</summary>
    public void LoadOutputWeights(long[,] weights)
    {
        var wo = _wo ?? throw new InvalidOperationException("this configuration has no output projection (Model.OutputProjection is false)");
        var (rows, cols) = (wo.Shape.InDim, wo.Shape.OutDim);
        if (weights.GetLength(0) != rows || weights.GetLength(1) != cols)
        {
            throw new ArgumentException($"W_O must be {rows}x{cols} ((Heads x d_head) x d_model), got {weights.GetLength(0)}x{weights.GetLength(1)}",
                nameof(weights));
        }

        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                wo.MemWrite(r, c, weights[r, c]);
            }
        }
    }

    /// <summary>
    /// Processes the next token in every head and returns every head's stages and the output row. <paramref name="ct"/> is
    /// checked between heads (a paper-mha token takes a second or more); a cancelled step leaves the model mid-token.
    /// </summary>
    public ArrayStep Step(IReadOnlyList<long> x, CancellationToken ct = default)
    {
        var steps = Heads.Select(h =>
        {
            ct.ThrowIfCancellationRequested();
            return h.Step(x);
        }).ToArray();
        ct.ThrowIfCancellationRequested();
        long[] concatenation = [.. steps.SelectMany(s => s.Output)];
        var output = _wo is null ? concatenation
            : [.. _wo.Multiply(concatenation).Select(v => FixedPoint.Requantize(v, Config.Quant.OutputShift, Config.Format.DataWidth))];
        return new ArrayStep(steps[0].Token, steps, concatenation, output);
    }

    /// <summary>Starts a new sequence in every head; the weights stay.</summary>
    public void Reset()
    {
        foreach (var head in Heads)
        {
            head.Reset();
        }
    }
}
