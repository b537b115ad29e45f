using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Timing;

/// <summary>
/// Cycle-exact timing of the generated RTL, predicted from the configuration alone. Co-simulation checks that
/// every response appears exactly in the cycle predicted here. Cycles are counted between the cycle a request
/// is accepted (valid and ready high at its closing clock edge) and the cycle its response is first valid.
/// </summary>
public static class CycleModel
{
    /// <summary>al_pim_macro: memory read data and ADC outputs are registered, valid the next cycle.</summary>
    public const int MacroLatency = 1;

    /// <summary>al_pim_matrix: a read's data is valid the cycle after the request is accepted.</summary>
    public const int MatrixReadLatency = 1;

    /// <summary>al_pim_matrix: after a write is accepted the next request can be accepted the next cycle.</summary>
    public const int MatrixWriteInterval = 1;

    /// <summary>
    /// x accepted in cycle t: the N = <see cref="MatrixShape.ComputeSteps"/> steps (one per column group, row group and
    /// slice, all macros in parallel) run in cycles t+1..t+N, the macros answer one cycle later and the last shift-add is
    /// registered in the drain cycle t+N+1, and the result moves into the output register in t+N+2, so y is valid from
    /// cycle t+N+3 (<see cref="MatrixMirror"/>). N is also the ideal bound for one matrix-vector product: every macro
    /// converts AdcCount columns per cycle, so the Rows x Cols cells of each macro, times the slices, need at least
    /// RowGroups x ColGroups x Slices cycles. The next x is taken in the drain cycle, so back-to-back products cost N + 1
    /// cycles each: the three extra cycles of the latency are pipeline fill, one of them not hidden.
    /// </summary>
    public static int MatrixComputeLatency(MatrixShape shape) => shape.ComputeSteps + MatrixFillCycles;

    /// <summary>A product's latency beyond its steps: the macros' register, the drain cycle and the move into the output register.</summary>
    public const int MatrixFillCycles = 3;

    /// <summary>al_qkv: the three matrices run in lockstep and requantize combinationally.</summary>
    public static int QkvLatency(AttentionConfig config) => MatrixComputeLatency(config.ProjectionShape);

    /// <summary>al_oproj: from taking the concatenation to offering W_O's output (the matrix's latency).</summary>
    public static int OutputProjectionLatency(AttentionConfig config) => MatrixComputeLatency(config.OutputProjectionShape);

    /// <summary>
    /// al_score: the scores of a q accepted in cycle t, with <paramref name="count"/> tokens stored, are valid
    /// from t + G x RowGroups x Slices + 3, where G = max(1, ceil(count / (AdcCount x MacrosOut))) is the number
    /// of the K cache's column groups that hold a token (the others are skipped); with a full cache this is
    /// the matrix latency. A k is appended in the cycle it is accepted (one write down a column).
    /// </summary>
    public static int ScoreLatency(AttentionConfig config, int count) => ScoreSteps(config, count) + MatrixFillCycles;

    /// <summary>al_score: the compute steps of a query over <paramref name="count"/> tokens (the column groups that hold one).</summary>
    public static int ScoreSteps(AttentionConfig config, int count) => config.ScoreShape.ComputeStepsFor(config.ScoreShape.ColumnGroupsFor(count));

    /// <summary>Cycles one append keeps a cache's array from computing: the write of the whole vector, in one cycle.</summary>
    public const int AppendCycles = 1;

    /// <summary>al_context: o for a p accepted in cycle t is valid from t + the V cache's matrix latency.</summary>
    public static int ContextLatency(AttentionConfig config) => MatrixComputeLatency(config.ContextShape);

    /// <summary>al_softmax: cycles of one pass over n scores, Lanes per cycle (at least one cycle, even for n = 0).</summary>
    public static int SoftmaxPassCycles(AttentionConfig config, int tokens) =>
        Math.Max(1, (tokens + config.Softmax.Lanes - 1) / config.Softmax.Lanes);

    /// <summary>al_softmax: passes over the scores: max (stable mode only), exp and sum, normalize.</summary>
    public static int SoftmaxPasses(AttentionConfig config) => config.Softmax.Mode == SoftmaxMode.Stable ? 3 : 2;

    /// <summary>
    /// al_softmax: scores accepted in cycle t with n tokens: the passes and the divider (one cycle per reciprocal
    /// bit) run back to back from t+1, so p is valid from t + 1 + passes x PassCycles(n) + RecipWidth.
    /// </summary>
    public static int SoftmaxLatency(AttentionConfig config, int tokens) =>
        1 + SoftmaxPasses(config) * SoftmaxPassCycles(config, tokens) + new SoftmaxModel(config).DivideCycles;

    /// <summary>
    /// The bus bound of LOAD: the bus beats that carry every weight al_top (one head) or, with <paramref name="array"/>,
    /// al_array (every head and W_O) loads. The DMA writes each word into the weights' macros the cycle after it arrives
    /// (a write of <see cref="MatrixShape.WriteCells"/> weights), so LOAD takes this plus the first read's latency and a
    /// few cycles of command handling.
    /// </summary>
    public static long LoadBusBeats(AttentionConfig config, bool array) =>
        (array ? config.WeightBytes : config.HeadWeightBytes) * 8 / config.Bus.DataWidth;

    /// <summary>The published design's figure for one matrix-vector product (it feeds one 4-bit slice only).</summary>
    public const int PublishedCyclesPerProduct = 64;

    /// <summary>Bus beats one token needs: its embedding in and its output out (al_dma moves one word per cycle at best).</summary>
    public static int BusBeatsPerToken(AttentionConfig config) =>
        (config.Model.DModel + config.Model.DHead) * config.Format.DataWidth / config.Bus.DataWidth;

    /// <summary>
    /// Ideal bound on the cycles per token with <paramref name="count"/> tokens in the caches: every PIM array busy every
    /// cycle and the bus fully used, the larger of the two. Each array's busy cycles per token are all it does for the
    /// token: the projection array its compute steps; the K cache's array the append of k (<see cref="AppendCycles"/>)
    /// and the score steps over the column groups that hold a token; the V cache's array the append of v and the context
    /// steps. The arrays work at once on different tokens; one array's cycles cannot overlap each other.
    /// </summary>
    public static int IdealTokenCycles(AttentionConfig config, int count)
    {
        var pim = Math.Max(config.ProjectionShape.ComputeSteps,
            AppendCycles + Math.Max(ScoreSteps(config, count), config.ContextShape.ComputeSteps));
        return Math.Max(BusBeatsPerToken(config), pim);
    }

    /// <summary>Bus beats one token needs in the array: its embedding in once (broadcast) and its output row out.</summary>
    public static int ArrayBusBeatsPerToken(AttentionConfig config) =>
        (config.Model.DModel + config.Model.RowElements) * config.Format.DataWidth / config.Bus.DataWidth;

    /// <summary>
    /// <see cref="IdealTokenCycles"/> for al_array: the heads work side by side, W_O is one more array, and the bus carries
    /// each token once and each output row once.
    /// </summary>
    public static int IdealArrayTokenCycles(AttentionConfig config, int count)
    {
        var head = IdealTokenCycles(config, count);
        var pim = Math.Max(head, config.Model.OutputProjection ? config.OutputProjectionShape.ComputeSteps : 0);
        return Math.Max(ArrayBusBeatsPerToken(config), pim);
    }
}
