namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Co-simulates <c>al_pim_matrix</c> in the Q/K/V projection shape (d_model x d_head): loads every weight (a write
/// carries <see cref="MatrixShape.WriteCells"/> of them, as LOAD's), reads some back, computes random and extreme
/// vectors, overwrites weights with extremes and computes again.
/// </summary>
public sealed class PimMatrixBench() : TemplateBench("pim_matrix", Ops)
{
    private const int Write = 0;
    private const int Read = 1;
    private const int Compute = 2;

    /// <summary>The stimulus kinds, as its testbench template sees them (<c>ops</c>).</summary>
    private static readonly StimulusOps Ops = new(2, ("write", Write), ("read", Read), ("compute", Compute));

    protected override object View(AttentionConfig config, string banner) => PimMatrixView.From(config.ProjectionShape, banner);

    public override IReadOnlyList<WaveProbe> Probes(AttentionConfig config) => [WaveProbes.Port("r"), WaveProbes.Port("y")];

    public override BenchCase Generate(AttentionConfig config, int seed)
    {
        var shape = config.ProjectionShape;
        // A lone al_pim_matrix is macros 0 and up (FaultBase 0): head 0's W_Q when the configuration has faults.
        var model = new PimMatrixModel(shape, PimFaults.Of(config), 0);
        var random = new StimulusRandom(seed);
        var view = PimMatrixView.From(shape, "");
        var stimulus = new StimulusWriter(view.ChunkBits, (shape.InDim * config.Format.DataWidth + view.ChunkBits - 1) / view.ChunkBits);
        var dataWidth = config.Format.DataWidth;
        var weightWidth = config.Format.WeightWidth;
        var cells = shape.WriteCells;
        var timeline = new MatrixTimeline();

        // One write: weights (row, col .. col + cells - 1), col aligned, weight k in bits k*WeightWidth and up.
        void WriteWord(int row, int col, Func<long> weight)
        {
            stimulus.Op(Write, row, col, WeightWords.Write(cells, weightWidth, weight, (k, w) => model.MemWrite(row, col + k, w)));
            timeline.Memory();
        }

        void ReadWord(int row, int cell)
        {
            var (col, weights) = WeightWords.Read(cells, cell, c => model.MemRead(row, c));
            var stall = random.Stall();
            stimulus.Op(Read, row, col, 0, stall);
            timeline.Read(stall, new Expectation(0, "r_data_o", weights, weightWidth,
                $"read of row {row} from column {col}",
                k => $"macro ({row / config.Pim.Rows}, {(col + k) / config.Pim.Cols}) cell ({row % config.Pim.Rows}, {(col + k) % config.Pim.Cols})"));
        }

        var vectors = 0;
        void Multiply(long[] x)
        {
            var stall = random.Stall();
            stimulus.WideOp(Compute, 0, 0, FixedPoint.Pack(x, dataWidth), stall);
            timeline.Compute(shape.ComputeSteps, stall, new Expectation(0, "y_data_o", model.Multiply(x), shape.AccWidth, $"x vector #{vectors++}",
                i => PimMatrixModel.DescribeOutput(shape, i)));
        }

        for (var row = 0; row < shape.InDim; row++)
        {
            for (var col = 0; col < shape.OutDim; col += cells)
            {
                WriteWord(row, col, () => random.Signed(weightWidth));
            }
        }

        for (var i = 0; i < 8; i++)
        {
            ReadWord(random.Next(shape.InDim), random.Next(shape.OutDim));
        }

        var min = FixedPoint.MinSigned(dataWidth);
        var max = FixedPoint.MaxSigned(dataWidth);
        Multiply(random.SignedVector(shape.InDim, dataWidth));
        Multiply(Enumerable.Repeat(min, shape.InDim).ToArray());
        Multiply(Enumerable.Repeat(max, shape.InDim).ToArray());
        Multiply(random.SignedVector(shape.InDim, dataWidth));

        // The most negative weights under the most negative inputs drive every column sum to its extreme, which
        // saturates a lossy ADC; rewrite one whole column group of one row of macros that way (with its neighbours in
        // a word wider than the group).
        var colBase = random.Next(config.Pim.ColGroups) * config.Pim.AdcCount;
        var rowBase = random.Next(shape.MacrosIn) * config.Pim.Rows;
        for (var row = rowBase; row < rowBase + config.Pim.Rows; row++)
        {
            for (var col = colBase - (colBase % cells); col < colBase + config.Pim.AdcCount; col += cells)
            {
                WriteWord(row, col, () => FixedPoint.MinSigned(weightWidth));
            }
        }

        Multiply(Enumerable.Repeat(min, shape.InDim).ToArray());
        Multiply(random.SignedVector(shape.InDim, dataWidth));
        ReadWord(rowBase, colBase);

        var (expected, end) = timeline.Run();
        return new BenchCase(stimulus.ToString(), expected, end + 200);
    }
}
