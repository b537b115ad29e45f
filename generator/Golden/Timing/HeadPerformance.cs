using AttentionLego.Gen.Config;
using R = AttentionLego.Gen.Config.CsrMap;

namespace AttentionLego.Gen.Golden.Timing;

/// <summary>
/// What the head's performance counters read after loading the weights and decoding <see cref="Tokens"/> tokens of a
/// new sequence, with a memory of fixed latency that never stalls (<see cref="ControlTiming"/>; co-simulation checks that
/// the RTL's counters read exactly these values). <see cref="FirstTokenCycles"/> is the latency of one token: TOKEN_CYCLES
/// after a decode of a single token on empty caches, from the DECODE command to its output's last write acknowledged
/// (fetch, projection, scores, softmax, context, write), measured before the caches are cleared for the decode of
/// <see cref="Tokens"/>. The throughput, <see cref="CyclesPerToken"/>, is what each further token adds to a decode once the
/// pipeline is full; <see cref="AverageCyclesPerToken"/> spreads the first token's latency over the run too.
/// </summary>
public sealed record HeadPerformance(int Tokens, int MemoryLatency, long LoadCycles, long DecodeCycles, long LastTokenCycles,
    long Fetch, long Qkv, long Score, long Softmax, long Context, long Write, double IdealCyclesPerToken, long FirstTokenCycles)
{
    /// <summary>
    /// The sustained cost of one token: the decode's cycles beyond those of one token alone (its latency, the pipeline fill
    /// and drain), per further token. <see cref="IdealCyclesPerToken"/> bounds it over the same tokens.
    /// </summary>
    public double CyclesPerToken => Tokens > 1 ? (double)(DecodeCycles - FirstTokenCycles) / (Tokens - 1) : DecodeCycles;

    /// <summary>Decode cycles divided by tokens: the first token's latency included.</summary>
    public double AverageCyclesPerToken => (double)DecodeCycles / Tokens;

    public double RatioToIdeal => CyclesPerToken / IdealCyclesPerToken;

    /// <summary>
    /// The counters of al_top (or, with <paramref name="array"/>, of al_array). With
    /// <paramref name="skipLoad"/> the model starts with the weights loaded and <see cref="LoadCycles"/> is 0: a decode's
    /// timing at sizes whose load alone would take the model minutes (paper-mha).
    /// </summary>
    public static HeadPerformance Measure(AttentionConfig config, int tokens, int memoryLatency = 3, bool array = false, bool skipLoad = false,
        CancellationToken ct = default)
    {
        var layout = array ? MemoryLayout.ForArray(config) : MemoryLayout.For(config);
        var counters = new[] { R.Cycles, R.TokenCycles, R.CycFetch, R.CycQkv, R.CycScore, R.CycSoftmax, R.CycContext, R.CycWrite };
        List<HeadCommand> load =
            [new HeadCommand.Write(R.WBase, layout.WBase), new HeadCommand.Write(R.Ctrl, R.CtrlLoad), new HeadCommand.WaitIrq(), new HeadCommand.Read(R.Cycles)];
        List<HeadCommand> commands =
        [
            .. skipLoad ? [] : load,
            // One token alone (its latency), then CLEAR: the decode of the tokens starts on empty caches, as without it.
            new HeadCommand.Write(R.Tokens, 1), new HeadCommand.Write(R.XBase, layout.XBase), new HeadCommand.Write(R.OBase, layout.OBase),
            new HeadCommand.Write(R.Ctrl, R.CtrlDecode), new HeadCommand.WaitIrq(), new HeadCommand.Read(R.TokenCycles),
            new HeadCommand.Write(R.Ctrl, R.CtrlClear), new HeadCommand.WaitIrq(),
            new HeadCommand.Write(R.Tokens, (uint)tokens), new HeadCommand.Write(R.Ctrl, R.CtrlDecode), new HeadCommand.WaitIrq(),
            .. counters.Select(c => new HeadCommand.Read(c)),
        ];
        var events = new ControlTiming(config, memoryLatency, array).Run(commands, weightsLoaded: skipLoad, ct: ct);
        var reads = events.Where(e => e.Kind == HeadEventKind.CsrRead).Select(e => e.Value).ToList();
        if (skipLoad)
        {
            reads.Insert(0, 0);
        }

        // The bound of the tokens after the first (the ones CyclesPerToken counts), with the count each one sees.
        var ideal = Enumerable.Range(tokens > 1 ? 2 : 1, Math.Max(tokens - 1, 1)).Average(count =>
            (double)(array ? CycleModel.IdealArrayTokenCycles(config, count) : CycleModel.IdealTokenCycles(config, count)));
        return new HeadPerformance(tokens, memoryLatency, reads[0], reads[2], reads[3], reads[4], reads[5], reads[6], reads[7], reads[8],
            reads[9], ideal, reads[1]);
    }
}
