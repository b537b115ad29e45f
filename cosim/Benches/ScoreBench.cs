namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Co-simulates <c>al_score</c>: a query on the empty cache, one token, then tokens appended one by one with a
/// query after each until the cache is full (the maximum sequence length), extreme and tying keys, a dominant
/// key, and a clear followed by a shorter sequence; queries land on both sides of every column-group boundary.
/// Every score vector must be bit-exact (in token order, 0 for tokens not stored) and arrive in the cycle
/// CycleModel predicts for the tokens stored at the time, under back-pressure.
/// </summary>
public sealed class ScoreBench() : TemplateBench("score", Ops)
{
    private const int AppendKey = 0;
    private const int Query = 1;
    private const int Clear = 2;

    /// <summary>The stimulus kinds, as its testbench template sees them (<c>ops</c>).</summary>
    private static readonly StimulusOps Ops = new(2, ("append", AppendKey), ("query", Query), ("clear", Clear));

    protected override object View(AttentionConfig config, string banner) => ScoreView.From(config, banner);

    public override IReadOnlyList<WaveProbe> Probes(AttentionConfig config) => [WaveProbes.Port("s")];

    public override BenchCase Generate(AttentionConfig config, int seed)
    {
        var dHead = config.Model.DHead;
        var dataWidth = config.Format.DataWidth;
        var view = ScoreView.From(config, "");
        var scoreWidth = view.AccWidth;
        var model = new ScoreModel(config);
        var shape = config.ScoreShape;
        var tokensPerGroup = config.Pim.AdcCount * shape.MacrosOut;
        var random = new StimulusRandom(seed);
        var stimulus = new StimulusWriter(view.ChunkBits, (dHead * dataWidth + view.ChunkBits - 1) / view.ChunkBits);
        var timeline = new MatrixTimeline();
        var min = FixedPoint.MinSigned(dataWidth);
        var max = FixedPoint.MaxSigned(dataWidth);

        void Append(long[] k)
        {
            model.Append(k);
            stimulus.WideOp(AppendKey, 0, 0, FixedPoint.Pack(k, dataWidth));
            timeline.Memory();
        }

        var queries = 0;
        void Score(long[] q)
        {
            var stall = random.Stall();
            stimulus.WideOp(Query, 0, 0, FixedPoint.Pack(q, dataWidth), stall);
            // The latency depends on the tokens stored: only the column groups that hold one are computed.
            var tokens = model.Count;
            timeline.Compute(CycleModel.ScoreSteps(config, tokens), stall, new Expectation(0, "s_data_o", model.Score(q), scoreWidth,
                $"query #{queries++} over {tokens} token(s), {model.ColumnGroups} column group(s)",
                t => t < tokens ? $"score of token {t} (cache column {shape.TokenColumn(t)})" : $"token {t} (not stored: must be 0)"));
        }

        void ClearCache()
        {
            model.Clear();
            stimulus.Op(Clear, 0, 0, 0);
            timeline.Memory();
        }

        long[] Vector(long value) => Enumerable.Repeat(value, dHead).ToArray();

        Score(random.SignedVector(dHead, dataWidth));
        Append(random.SignedVector(dHead, dataWidth));
        Score(random.SignedVector(dHead, dataWidth));

        // Fill to the maximum sequence length, with tying keys (the same k twice), the extremes, and one dominant key.
        var tie = random.SignedVector(dHead, dataWidth);
        while (!model.IsFull)
        {
            var k = model.Count switch
            {
                2 or 3 => tie,
                4 => Vector(min),
                5 => Vector(max),
                6 => Vector(0),
                _ => random.SignedVector(dHead, dataWidth),
            };
            Append(k);
            // Query at every column-group boundary too: the last token of a group and the first of the next.
            if (random.Next(3) == 0 || model.Count <= 8 || model.IsFull || model.Count % tokensPerGroup <= 1)
            {
                Score(random.SignedVector(dHead, dataWidth));
            }
        }

        Score(Vector(min));
        Score(Vector(max));
        ClearCache();
        Append(Vector(max));
        Append(random.SignedVector(dHead, dataWidth));
        Score(random.SignedVector(dHead, dataWidth));
        var (expected, end) = timeline.Run();
        return new BenchCase(stimulus.ToString(), expected, end + 200);
    }
}
