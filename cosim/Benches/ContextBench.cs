namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Co-simulates <c>al_context</c>: attends on the empty cache and on one token, then appends values one by one up
/// to the maximum sequence length with an attend after many of them: random probabilities, all zero, all at the
/// largest probability (the requantizer saturates), one dominant token, and garbage in the probabilities of rows
/// that hold no token (which must count as 0); then clears and starts a shorter sequence. Every context vector
/// must be bit-exact and arrive in the cycle CycleModel predicts, under back-pressure.
/// </summary>
public sealed class ContextBench() : TemplateBench("context", Ops)
{
    private const int AppendValue = 0;
    private const int Attend = 1;
    private const int Clear = 2;

    /// <summary>The stimulus kinds, as its testbench template sees them (<c>ops</c>).</summary>
    private static readonly StimulusOps Ops = new(2, ("append", AppendValue), ("attend", Attend), ("clear", Clear));

    protected override object View(AttentionConfig config, string banner) => ContextView.From(config, banner);

    public override IReadOnlyList<WaveProbe> Probes(AttentionConfig config) => [WaveProbes.Port("o")];

    public override BenchCase Generate(AttentionConfig config, int seed)
    {
        var dHead = config.Model.DHead;
        var maxSeqLen = config.Model.MaxSeqLen;
        var dataWidth = config.Format.DataWidth;
        var probBits = config.Softmax.ProbBits;
        var view = ContextView.From(config, "");
        var inBits = Math.Max(dHead * dataWidth, maxSeqLen * probBits);
        var model = new ContextModel(config);
        var random = new StimulusRandom(seed);
        var stimulus = new StimulusWriter(view.ChunkBits, (inBits + view.ChunkBits - 1) / view.ChunkBits);
        var timeline = new MatrixTimeline();
        var probMax = (1L << probBits) - 1;

        void Append(long[] v)
        {
            model.Append(v);
            stimulus.WideOp(AppendValue, 0, 0, FixedPoint.Pack(v, dataWidth));
            timeline.Memory();
        }

        var attends = 0;
        void AttendWith(long[] p)
        {
            var stall = random.Stall();
            stimulus.WideOp(Attend, 0, 0, FixedPoint.Pack(p, probBits), stall);
            var tokens = model.Count;
            timeline.Compute(config.ContextShape.ComputeSteps, stall, new Expectation(0, "o_data_o", model.Attend(p), dataWidth,
                $"attend #{attends++} over {tokens} token(s)", i => $"o[{i}]"));
        }

        void ClearCache()
        {
            model.Clear();
            stimulus.Op(Clear, 0, 0, 0);
            timeline.Memory();
        }

        // Probabilities for every row: random for the stored tokens and garbage beyond, which must not count.
        long[] Probabilities() => Enumerable.Range(0, maxSeqLen).Select(_ => (long)random.Next((int)probMax + 1)).ToArray();
        long[] Dominant()
        {
            var p = new long[maxSeqLen];
            p[random.Next(Math.Max(model.Count, 1))] = probMax;
            return p;
        }

        AttendWith(Probabilities());
        Append(random.SignedVector(dHead, dataWidth));
        AttendWith(Probabilities());
        while (!model.IsFull)
        {
            var v = model.Count switch
            {
                1 => Enumerable.Repeat(FixedPoint.MinSigned(dataWidth), dHead).ToArray(),
                2 => Enumerable.Repeat(FixedPoint.MaxSigned(dataWidth), dHead).ToArray(),
                _ => random.SignedVector(dHead, dataWidth),
            };
            Append(v);
            if (random.Next(3) == 0 || model.Count <= 4 || model.IsFull)
            {
                AttendWith(random.Next(4) == 0 ? Dominant() : Probabilities());
            }
        }

        AttendWith(new long[maxSeqLen]);
        AttendWith(Enumerable.Repeat(probMax, maxSeqLen).ToArray());
        ClearCache();
        Append(random.SignedVector(dHead, dataWidth));
        AttendWith(Probabilities());
        var (expected, end) = timeline.Run();
        return new BenchCase(stimulus.ToString(), expected, end + 200);
    }
}
