namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Co-simulates one <c>al_pim_macro</c> (a projection matrix's: a write reaches <see cref="MatrixShape.MacroWriteCells"/>
/// cells of a row): operations (writes of every word, reads, and compute steps over every row and column group with
/// random, extreme, signed and unsigned slices), each driven for one cycle and sometimes followed by idle cycles. The
/// bench logs every change of an output, so each read and ADC result must appear
/// exactly <see cref="CycleModel.MacroLatency"/> cycle after its operation and hold until the next one.
/// </summary>
public sealed class PimMacroBench() : TemplateBench("pim_macro", Ops)
{
    private const int Write = 0;
    private const int Read = 1;
    private const int ComputeUnsigned = 2;
    private const int ComputeSigned = 3;

    /// <summary>The stimulus kinds, as its testbench template sees them (<c>ops</c>).</summary>
    private static readonly StimulusOps Ops = new(2, ("write", Write), ("read", Read), ("compute_unsigned", ComputeUnsigned), ("compute_signed", ComputeSigned));

    protected override object View(AttentionConfig config, string banner) => PimMacroView.From(config, banner);

    public override IReadOnlyList<WaveProbe> Probes(AttentionConfig config) => [new("mem_rdata_o", "u_dut.mem_rdata_o", [], Holds: true), new("cim_adc_o", "u_dut.cim_adc_o", [], Holds: true)];

    public override BenchCase Generate(AttentionConfig config, int seed)
    {
        var pim = config.Pim;
        var weightWidth = config.Format.WeightWidth;
        var cells = config.ProjectionShape.MacroWriteCells;
        // A lone al_pim_macro is macro 0 (FaultId 0): tile 0 of head 0's W_Q when the configuration has faults.
        var model = new PimMacroModel(config, PimFaults.Of(config).Macro(0));
        var random = new StimulusRandom(seed);
        var stimulus = new StimulusWriter(Math.Max(pim.InputLanes * pim.SliceBits, cells * weightWidth));
        var expected = new List<Expectation>();
        var sliceMask = (1UL << pim.SliceBits) - 1;

        // The cycle the next operation is driven, and the outputs as they stand (both reset to 0).
        long cycle = 0;
        var lastRead = new long[cells];
        var lastAdc = new long[pim.AdcCount];

        void Drive(int kind, int row, int col, System.Numerics.BigInteger data)
        {
            var idle = random.Idle();
            stimulus.Op(kind, row, col, data, idle);
            cycle += 1 + idle;
        }

        // One write: the word of cells (row, col .. col + cells - 1), col aligned, weight k in bits k*WeightWidth and up.
        void WriteWord(int row, int col, Func<long> weight) =>
            Drive(Write, row, col, WeightWords.Write(cells, weightWidth, weight, (k, w) => model.MemWrite(row, col + k, w)));

        void ReadWord(int row, int cell)
        {
            var (col, value) = WeightWords.Read(cells, cell, c => model.MemRead(row, c));
            if (!value.SequenceEqual(lastRead))
            {
                expected.Add(new Expectation(cycle + CycleModel.MacroLatency, "mem_rdata_o", value,
                    weightWidth, $"read of row {row} from column {col}", k => $"cell ({row}, {col + k})"));
                lastRead = value;
            }

            Drive(Read, row, col, 0);
        }

        void Compute(int rowBase, int colBase, bool signedSlices, ulong[] slices)
        {
            var adc = model.Compute(rowBase, colBase, signedSlices, slices);
            var kind = signedSlices ? "signed" : "unsigned";
            if (!adc.SequenceEqual(lastAdc))
            {
                expected.Add(new Expectation(cycle + CycleModel.MacroLatency, "cim_adc_o", adc, pim.AdcBits,
                    $"compute at rows {rowBase}..{rowBase + pim.InputLanes - 1} with {kind} slices",
                    j => $"row group {rowBase / pim.InputLanes}, column group {colBase / pim.AdcCount}, ADC {j} (column {colBase + j})"));
                lastAdc = adc;
            }

            var packed = FixedPoint.Pack(slices.Select(s => (long)s).ToArray(), pim.SliceBits);
            Drive(signedSlices ? ComputeSigned : ComputeUnsigned, rowBase, colBase, packed);
        }

        ulong[] RandomSlices() => Enumerable.Range(0, pim.InputLanes).Select(_ => (ulong)random.Next(1 << pim.SliceBits)).ToArray();
        ulong[] Uniform(ulong pattern) => Enumerable.Repeat(pattern & sliceMask, pim.InputLanes).ToArray();

        void SweepGroups()
        {
            for (var rowBase = 0; rowBase < pim.Rows; rowBase += pim.InputLanes)
            {
                for (var colBase = 0; colBase < pim.Cols; colBase += pim.AdcCount)
                {
                    Compute(rowBase, colBase, random.Next(2) == 1, RandomSlices());
                }
            }
        }

        for (var row = 0; row < pim.Rows; row++)
        {
            for (var col = 0; col < pim.Cols; col += cells)
            {
                WriteWord(row, col, () => random.Signed(weightWidth));
            }
        }

        for (var i = 0; i < 8; i++)
        {
            ReadWord(random.Next(pim.Rows), random.Next(pim.Cols));
        }

        SweepGroups();

        // Extremes: every cell of one group at the most negative weight, driven by the largest unsigned slice and
        // by the most negative signed slice: the largest column sums of either sign (ADC saturation when lossy). A word
        // wider than the group sets its neighbours too.
        var row0 = random.Next(pim.RowGroups) * pim.InputLanes;
        var col0 = random.Next(pim.ColGroups) * pim.AdcCount;
        for (var row = row0; row < row0 + pim.InputLanes; row++)
        {
            for (var col = col0 - (col0 % cells); col < col0 + pim.AdcCount; col += cells)
            {
                WriteWord(row, col, () => FixedPoint.MinSigned(weightWidth));
            }
        }

        Compute(row0, col0, signedSlices: false, Uniform(sliceMask));
        Compute(row0, col0, signedSlices: true, Uniform(1UL << (pim.SliceBits - 1)));
        Compute(row0, col0, signedSlices: true, Uniform(sliceMask));
        Compute(row0, col0, signedSlices: false, Uniform(0));
        ReadWord(row0, col0);
        SweepGroups();

        return new BenchCase(stimulus.ToString(), expected, cycle + 100);
    }
}
