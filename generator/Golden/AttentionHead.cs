using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Everything one token produced in every stage of <see cref="AttentionHead"/>, so that a co-simulation of the
/// whole head can compare each stage on its own. Arrays are the ports' widths: d_head for q, k, v and the output,
/// MaxSeqLen for the scores and probabilities (0 for t &gt;= <see cref="Tokens"/>).
/// </summary>
public sealed record HeadStep(int Token, long[] X, long[] Q, long[] K, long[] V, long[] Scores, SoftmaxResult Softmax, long[] Output)
{
    /// <summary>Tokens attended to: 0..<see cref="Token"/>, so Token + 1.</summary>
    public int Tokens => Token + 1;

    /// <summary>p_t, unsigned Softmax.ProbBits-bit.</summary>
    public long[] Probabilities => Softmax.Probabilities;
}

/// <summary>
/// Golden model of one attention head, composed of the stage models as the hardware chains them (docs/NUMERICS.md,
/// "The composed head"). Causal decode, one token at a time: for token x_t,
/// <list type="number">
/// <item>(q, k, v) = <see cref="QkvModel.Project"/>(x_t);</item>
/// <item>k is appended to the K cache (<see cref="ScoreModel"/>) and v to the V cache (<see cref="ContextModel"/>),
///   so token t attends to tokens 0..t;</item>
/// <item>s = <see cref="ScoreModel.Score"/>(q);</item>
/// <item>p = <see cref="SoftmaxModel.Run"/>(s, t + 1);</item>
/// <item>o_t = <see cref="ContextModel.Attend"/>(p).</item>
/// </list>
/// Weights are loaded once through <see cref="LoadWeights"/> (or the Q/K/V model's memory port); <see cref="Reset"/>
/// starts a new sequence and keeps the weights.
/// </summary>
public sealed class AttentionHead
{
    /// <summary>Head <paramref name="head"/> of the array (0 for a lone head): its PIM macros' faults apply.</summary>
    public AttentionHead(AttentionConfig config, int head = 0)
    {
        Config = config;
        Qkv = new QkvModel(config, head);
        Score = new ScoreModel(config, head);
        Softmax = new SoftmaxModel(config);
        Context = new ContextModel(config, head);
    }

    public AttentionConfig Config { get; }

    /// <summary>W_Q, W_K, W_V and their requantizers.</summary>
    public QkvModel Qkv { get; }

    /// <summary>The K cache and q . K^T.</summary>
    public ScoreModel Score { get; }

    /// <summary>The LUT softmax.</summary>
    public SoftmaxModel Softmax { get; }

    /// <summary>The V cache and p . V.</summary>
    public ContextModel Context { get; }

    /// <summary>Tokens of the current sequence so far (the caches' count).</summary>
    public int Count => Score.Count;

    /// <summary>
    /// Writes one projection's d_model x d_head weights (row = input element, column = output element), each a
    /// signed Format.WeightWidth-bit value.
    /// </summary>
    public void LoadWeights(Projection matrix, long[,] weights)
    {
        var (dModel, dHead) = (Config.Model.DModel, Config.Model.DHead);
        if (weights.GetLength(0) != dModel || weights.GetLength(1) != dHead)
        {
            throw new ArgumentException(
                $"W_{matrix} must be {dModel}x{dHead} (d_model x d_head), got {weights.GetLength(0)}x{weights.GetLength(1)}", nameof(weights));
        }

        for (var r = 0; r < dModel; r++)
        {
            for (var c = 0; c < dHead; c++)
            {
                Qkv.MemWrite(matrix, r, c, weights[r, c]);
            }
        }
    }

    /// <summary>Processes the next token of the sequence and returns every stage's result.</summary>
    /// <exception cref="InvalidOperationException">The sequence already holds Model.MaxSeqLen tokens.</exception>
    public HeadStep Step(IReadOnlyList<long> x)
    {
        var token = Count;
        if (token >= Config.Model.MaxSeqLen)
        {
            throw new InvalidOperationException(
                $"token {token} is beyond Model.MaxSeqLen ({Config.Model.MaxSeqLen}): the K and V caches hold tokens 0..{Config.Model.MaxSeqLen - 1}. " +
                "Call Reset() to start a new sequence.");
        }

        var qkv = Qkv.Project(x);
        Score.Append(qkv.K);
        Context.Append(qkv.V);
        var scores = Score.Score(qkv.Q);
        var softmax = Softmax.Run(scores, Count);
        var output = Context.Attend(softmax.Probabilities);
        return new HeadStep(token, [.. x], qkv.Q, qkv.K, qkv.V, scores, softmax, output);
    }

    /// <summary>Processes <paramref name="tokens"/> in order, continuing the current sequence.</summary>
    public IReadOnlyList<HeadStep> Run(IEnumerable<IReadOnlyList<long>> tokens) => [.. tokens.Select(Step)];

    /// <summary>Starts a new sequence: both caches are cleared, the weights stay.</summary>
    public void Reset()
    {
        Score.Clear();
        Context.Clear();
    }
}
