namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Co-simulates <c>al_qkv</c>: loads W_Q, W_K and W_V through the shared memory port (a word of
/// <see cref="MatrixShape.WriteCells"/> weights per write, as LOAD's), reads some back, and
/// projects random and extreme tokens; q, k and v must arrive together, requantized, in the cycle CycleModel
/// predicts, and be held while the bench applies back-pressure.
/// </summary>
public sealed class QkvBench() : TemplateBench("qkv", Ops)
{
    /// <summary>Write and read kinds: the first of three (W_Q, W_K, W_V), the matrix added.</summary>
    private const int Write = 0;

    private const int Read = 3;

    private const int Compute = 6;

    /// <summary>The stimulus kinds, as its testbench template sees them (<c>ops</c>).</summary>
    private static readonly StimulusOps Ops = new(3, ("write", Write), ("read", Read), ("compute", Compute));

    protected override object View(AttentionConfig config, string banner) => QkvView.From(config, banner);

    /// <summary>The read port, and q, k and v, which leave together on one handshake.</summary>
    public override IReadOnlyList<WaveProbe> Probes(AttentionConfig config) =>
    [
        WaveProbes.Port("r"),
        .. new[] { "q", "k", "v" }.Select(x => new WaveProbe($"{x}_data_o", $"u_dut.{x}_data_o", ["u_dut.qkv_valid_o", "u_dut.qkv_ready_i"])),
    ];

    public override BenchCase Generate(AttentionConfig config, int seed)
    {
        var dModel = config.Model.DModel;
        var dHead = config.Model.DHead;
        var dataWidth = config.Format.DataWidth;
        var weightWidth = config.Format.WeightWidth;
        var cells = config.ProjectionShape.WriteCells;
        var view = QkvView.From(config, "");
        var model = new QkvModel(config);
        var random = new StimulusRandom(seed);
        var stimulus = new StimulusWriter(view.ChunkBits, (dModel * dataWidth + view.ChunkBits - 1) / view.ChunkBits);
        var timeline = new MatrixTimeline();

        void WriteWord(Projection p, int row, int col, Func<long> weight)
        {
            stimulus.Op(Write + (int)p, row, col, WeightWords.Write(cells, weightWidth, weight, (k, w) => model.MemWrite(p, row, col + k, w)));
            timeline.Memory();
        }

        void ReadWord(Projection p, int row, int cell)
        {
            var (col, weights) = WeightWords.Read(cells, cell, c => model.MemRead(p, row, c));
            var stall = random.Stall();
            stimulus.Op(Read + (int)p, row, col, 0, stall);
            timeline.Read(stall, new Expectation(0, "r_data_o", weights, weightWidth,
                $"read of W_{p.ToString()[0]} row {row} from column {col}", k => $"{p} weight ({row}, {col + k})"));
        }

        var tokens = 0;
        void Project(long[] x)
        {
            var stall = random.Stall();
            stimulus.WideOp(Compute, 0, 0, FixedPoint.Pack(x, dataWidth), stall);
            var result = model.Project(x);
            var token = tokens++;
            timeline.Compute(config.ProjectionShape.ComputeSteps, stall, [.. new[] { ("q_data_o", result.Q), ("k_data_o", result.K), ("v_data_o", result.V) }
                .Select(r => new Expectation(0, r.Item1, r.Item2, dataWidth, $"token #{token}", i => $"{r.Item1[0]}[{i}]"))]);
        }

        foreach (var p in Enum.GetValues<Projection>())
        {
            for (var row = 0; row < dModel; row++)
            {
                for (var col = 0; col < dHead; col += cells)
                {
                    WriteWord(p, row, col, () => random.Signed(weightWidth));
                }
            }
        }

        foreach (var p in Enum.GetValues<Projection>())
        {
            ReadWord(p, random.Next(dModel), random.Next(dHead));
        }

        Project(random.SignedVector(dModel, dataWidth));
        Project(Enumerable.Repeat(FixedPoint.MinSigned(dataWidth), dModel).ToArray());
        Project(Enumerable.Repeat(FixedPoint.MaxSigned(dataWidth), dModel).ToArray());
        for (var i = 0; i < 3; i++)
        {
            Project(random.SignedVector(dModel, dataWidth));
        }

        // Weights changed between tokens take effect for the next token.
        WriteWord(Projection.Key, 0, 0, () => FixedPoint.MinSigned(weightWidth));
        Project(random.SignedVector(dModel, dataWidth));
        var (expected, end) = timeline.Run();
        return new BenchCase(stimulus.ToString(), expected, end + 200);
    }
}
