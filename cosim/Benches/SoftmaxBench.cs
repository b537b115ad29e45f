namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Co-simulates <c>al_softmax</c>: requests with token counts 0, 1, a full sequence and counts beyond the maximum
/// (cut to it), and scores drawn as attention makes them (a few logits apart), across the whole score range,
/// all tied, one dominant, all at the most negative or most positive score, straddling the window of window mode,
/// with garbage past the count that must not count. Every probability vector must be bit-exact and arrive in the
/// cycle CycleModel.SoftmaxLatency predicts for its count, under back-pressure.
/// </summary>
public sealed class SoftmaxBench() : TemplateBench("softmax", Ops)
{
    private const int Request = 0;

    /// <summary>The stimulus kinds, as its testbench template sees them (<c>ops</c>).</summary>
    private static readonly StimulusOps Ops = new(2, ("request", Request));

    protected override object View(AttentionConfig config, string banner) => SoftmaxView.From(config, banner);

    public override IReadOnlyList<WaveProbe> Probes(AttentionConfig config) => [WaveProbes.Port("p")];

    public override BenchCase Generate(AttentionConfig config, int seed)
    {
        var maxSeqLen = config.Model.MaxSeqLen;
        var model = new SoftmaxModel(config);
        var width = model.ScoreWidth;
        var view = SoftmaxView.From(config, "");
        var random = new StimulusRandom(seed);
        var stimulus = new StimulusWriter(view.ChunkBits, (maxSeqLen * width + view.ChunkBits - 1) / view.ChunkBits);
        var expected = new List<Expectation>();
        var timeline = new RequestTimeline();
        var min = FixedPoint.MinSigned(width);
        var max = FixedPoint.MaxSigned(width);
        // Counts up to the port's all-ones value; beyond MaxSeqLen they are cut to it.
        var countMax = (1 << PimMath.AddressBits(maxSeqLen + 1)) - 1;
        var latest = 0L;

        var requests = 0;
        void Softmax(long[] scores, int count)
        {
            var stall = random.Stall();
            stimulus.WideOp(Request, count, 0, FixedPoint.Pack(scores, width), stall);
            var accepted = timeline.Accept();
            var response = accepted + CycleModel.SoftmaxLatency(config, model.Tokens(count)) + stall;
            timeline.BusyUntil(response + 1);
            latest = response;
            expected.Add(new Expectation(response, "p_data_o", model.Probabilities(scores, count), config.Softmax.ProbBits,
                $"softmax #{requests++} over {model.Tokens(count)} token(s) (count {count})", i => $"p[{i}]", Signed: false));
        }

        long Clamp(double value) => (long)Math.Clamp(Math.Round(value), min, max);

        // Scores as attention makes them: a random centre and spread of a few logits (1 logit = 2^ScoreShift).
        long[] Realistic()
        {
            var logit = Math.Pow(2, config.Softmax.ScoreShift);
            var centre = (random.Next(2001) - 1000) / 1000.0 * Math.Min(max, logit * 64);
            var spread = logit * (0.25 + random.Next(16) / 2.0);
            return [.. Enumerable.Range(0, maxSeqLen).Select(_ => Clamp(centre + (random.Next(2001) - 1000) / 1000.0 * spread))];
        }

        long[] FullRange() => random.SignedVector(maxSeqLen, width);
        long[] Tied() => Enumerable.Repeat(random.Signed(width), maxSeqLen).ToArray();
        long[] Dominant(int count)
        {
            var scores = Realistic();
            scores[random.Next(Math.Max(1, Math.Min(count, maxSeqLen)))] = Clamp(scores.Max() + Math.Pow(2, config.Softmax.ScoreShift + 4));
            return scores;
        }

        // Around window mode's fixed window (and past both of its ends).
        long[] Window()
        {
            var top = (double)model.WindowTop;
            return [.. Enumerable.Range(0, maxSeqLen).Select(_ => Clamp((random.Next(3001) - 1500) / 1000.0 * Math.Max(top, 1)))];
        }

        int RandomCount() => 1 + random.Next(maxSeqLen);

        Softmax(Realistic(), 0);
        Softmax(Realistic(), 1);
        Softmax(Realistic(), maxSeqLen);
        Softmax(Tied(), maxSeqLen);
        Softmax(Enumerable.Repeat(min, maxSeqLen).ToArray(), maxSeqLen);
        Softmax(Enumerable.Repeat(max, maxSeqLen).ToArray(), maxSeqLen);
        Softmax(Dominant(maxSeqLen), maxSeqLen);
        Softmax(Window(), maxSeqLen);
        Softmax(Realistic(), countMax);
        for (var i = 0; i < 24; i++)
        {
            var count = random.Next(6) == 0 ? maxSeqLen : RandomCount();
            var scores = (random.Next(8)) switch
            {
                0 => FullRange(),
                1 => Tied(),
                2 => Dominant(count),
                3 => Window(),
                _ => Realistic(),
            };
            Softmax(scores, count);
        }

        return new BenchCase(stimulus.ToString(), expected, latest + 200);
    }
}
