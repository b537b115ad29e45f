using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Cycle mirror of <c>al_mem_arbiter</c>: round robin from the master after the last one served; a refused request
/// keeps its grant until the memory takes it.
/// </summary>
public sealed class ArbiterMirror(int masters)
{
    private int _last = masters - 1, _hold;
    private bool _lock;

    /// <summary>The master whose request the memory sees in this cycle.</summary>
    public int Grant { get; private set; }

    /// <summary>mem_req_valid_o.</summary>
    public bool Valid { get; private set; }

    public void Comb(IReadOnlyList<bool> requests)
    {
        var pick = _last;
        for (var i = 1; i <= masters; i++)
        {
            var m = (_last + i) % masters;
            if (requests[m])
            {
                pick = m;
                break;
            }
        }

        Grant = _lock ? _hold : pick;
        Valid = requests[Grant];
    }

    public void Edge(bool memReady)
    {
        _lock = Valid && !memReady;
        _hold = Grant;
        if (Valid && memReady)
        {
            _last = Grant;
        }
    }
}

/// <summary>Cycle mirror of <c>al_oproj</c>'s handshakes: idle until it takes a concatenation, its output valid a matrix latency later.</summary>
public sealed class OutputProjectionMirror(AttentionConfig config)
{
    private bool _busy;
    private long _validAt;

    /// <summary>c_ready_o and w_ready_o: the matrix is idle.</summary>
    public bool Idle => !_busy;

    public bool YValid { get; private set; }

    public bool CFire { get; private set; }

    public bool YFire { get; private set; }

    public void Comb(long cycle, bool cValid, bool yReady)
    {
        YValid = _busy && cycle >= _validAt;
        CFire = cValid && Idle;
        YFire = YValid && yReady;
    }

    public void Edge(long cycle)
    {
        if (CFire)
        {
            (_busy, _validAt) = (true, cycle + CycleModel.OutputProjectionLatency(config));
        }
        else if (YFire)
        {
            _busy = false;
        }
    }
}

/// <summary>
/// The cycle-exact timing model of <c>al_array</c>: its al_controller, the array's DMA (tokens, rows, W_O), one weight
/// DMA and one <see cref="HeadStagesMirror"/> per head, the token broadcast, the row join, al_oproj and the round-robin
/// arbiter, wired as the RTL wires them and driven like <see cref="HeadTiming"/> by the bench's CSR player and a memory
/// that never stalls. Arbitration shows in the timing: on LOAD every head's DMA competes for the port.
/// </summary>
public sealed class ArrayTiming(AttentionConfig config, int memoryLatency)
{
    private readonly AttentionConfig _c = config;
    private readonly int _latency = BenchMemory.CheckLatency(memoryLatency);

    /// <summary>Bytes of one head's W_Q, W_K and W_V: head h's weights start at W_BASE + h times this, W_O after the last head's.</summary>
    public static long HeadWeightBytes(AttentionConfig c) => 3L * c.Model.DModel * c.Model.DHead * c.Format.WeightWidth / 8;

    /// <summary>
    /// Runs the commands from the first cycle out of reset until they are done and the memory is quiet. With
    /// <paramref name="weightsLoaded"/> the controller starts with WEIGHTS set, as if a LOAD had run before: the model's
    /// shortcut to a decode's timing at sizes whose load would take millions of cycles (the RTL has no such state).
    /// </summary>
    /// <remarks><paramref name="ct"/> is checked every 1,024 cycles: the load of paper-mha's weights takes the model minutes.</remarks>
    public IReadOnlyList<HeadEvent> Run(IReadOnlyList<HeadCommand> commands, long cycleBudget = 100_000_000, bool weightsLoaded = false,
        CancellationToken ct = default)
    {
        var heads = _c.Model.Heads;
        var projection = _c.Model.OutputProjection;
        var hwb = (uint)HeadWeightBytes(_c);
        var driver = new CsrDriver(commands);
        var memory = new BenchMemory(_latency);
        var ctrl = new ControllerMirror(_c);
        if (weightsLoaded)
        {
            ctrl.AssumeWeightsLoaded();
        }

        var dma = new DmaMirror(_c, DmaShape.Array(_c));
        var loaders = Enumerable.Range(0, heads).Select(_ => new DmaMirror(_c, DmaShape.HeadLoader(_c))).ToArray();
        var stages = Enumerable.Range(0, heads).Select(_ => new HeadStagesMirror(_c)).ToArray();
        var wo = new OutputProjectionMirror(_c);
        var arbiter = new ArbiterMirror(heads + 1);
        var taken = new bool[heads];
        var loaderCount = heads + (projection ? 1 : 0);
        var loaded = new bool[loaderCount];
        var requests = new bool[heads + 1];
        var events = new EventLog();

        for (long cyc = 0; ; cyc++)
        {
            if (cyc > cycleBudget)
            {
                throw new InvalidOperationException($"the array timing model ran past {cycleBudget} cycles: the commands never finish");
            }

            if ((cyc & 0x3FF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            requests[0] = dma.ReqValid;
            for (var h = 0; h < heads; h++)
            {
                requests[h + 1] = loaders[h].ReqValid;
            }

            if (driver.Current is null && memory.Empty && !requests.Any(r => r))
            {
                return events.Events;
            }

            // ---- Combinational. ----
            var rspValid = memory.RspValid(cyc);
            var rspMaster = memory.Master;
            arbiter.Comb(requests);
            var take = arbiter.Valid; // this memory never refuses
            var joined = stages.All(s => s.OValidAt(cyc));
            var cReady = projection ? wo.Idle : dma.OReady;
            var xAll = Enumerable.Range(0, heads).All(h => taken[h] || stages[h].XReady);
            for (var h = 0; h < heads; h++)
            {
                stages[h].Comb(cyc, dma.XValid && !taken[h], joined && cReady, ctrl.Clear);
            }

            if (projection)
            {
                wo.Comb(cyc, joined, dma.OReady);
            }

            var rowValid = projection ? wo.YValid : joined;
            dma.Comb(reqReady: arbiter.Grant == 0, rspValid && rspMaster == 0, wReady: projection && wo.Idle, xReady: xAll, oValid: rowValid);
            for (var h = 0; h < heads; h++)
            {
                loaders[h].Comb(reqReady: arbiter.Grant == h + 1, rspValid && rspMaster == h + 1, wReady: stages[h].XReady, xReady: false, oValid: false);
            }

            bool Pulse(int i) => i < heads ? loaders[i].LoadDone : dma.LoadDone;
            var anyPulse = Enumerable.Range(0, loaderCount).Any(Pulse);
            var loadDone = anyPulse && Enumerable.Range(0, loaderCount).All(i => loaded[i] || Pulse(i));
            ctrl.Comb(driver.Valid, driver.We, driver.Addr, driver.Data, new ControllerInputs(loadDone, dma.AckLast, dma.AllDone,
                stages[0].SeqLen, dma.Fetching, stages.Any(s => s.QkvBusy), stages.Any(s => s.ScoreBusy), stages.Any(s => s.SoftmaxBusy),
                stages.Any(s => s.ContextBusy), dma.Writing));

            // ---- Events of this cycle. ----
            for (var h = 0; h < heads; h++)
            {
                events.Head(cyc, stages[h], h);
            }

            if (dma.OFire)
            {
                events.Emit(cyc, HeadEventKind.Row, 0);
            }

            if (take && arbiter.Grant == 0 && dma.ReqWe)
            {
                events.Emit(cyc, HeadEventKind.MemWrite, dma.ReqAddr);
            }

            if (driver.Responding is { } read)
            {
                events.Emit(cyc, HeadEventKind.CsrRead, ctrl.RData, read.Offset & 0xfc);
            }

            // ---- Clock edge. ----
            var (loadStart, decodeStart, wBase, xBase, oBase, tokens) =
                (ctrl.LoadStart, ctrl.DecodeStart, ctrl.WBase, ctrl.XBase, ctrl.OBase, (int)ctrl.TokensReg);
            var pulses = Enumerable.Range(0, loaderCount).Select(Pulse).ToArray();
            var xFire = dma.XFire;
            var headXFires = stages.Select(s => s.XFire).ToArray();
            driver.Edge(ctrl.Irq);
            memory.Edge(cyc, take, arbiter.Grant, rspValid);
            arbiter.Edge(memReady: true);
            ctrl.Edge();
            dma.Edge(projection && loadStart, wBase + (uint)heads * hwb, decodeStart, xBase, oBase, tokens);
            for (var h = 0; h < heads; h++)
            {
                loaders[h].Edge(loadStart, wBase + (uint)h * hwb, false, 0, 0, 0);
                stages[h].Edge(cyc);
                taken[h] = !xFire && (taken[h] || headXFires[h]);
            }

            if (projection)
            {
                wo.Edge(cyc);
            }

            for (var i = 0; i < loaderCount; i++)
            {
                loaded[i] = !loadStart && (loaded[i] || pulses[i]);
            }
        }
    }
}
