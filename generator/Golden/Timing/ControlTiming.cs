using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Timing;

public enum HeadEventKind
{
    /// <summary>q, k, v of a token taken from al_qkv by the fork.</summary>
    Projection,

    /// <summary>A token's scores taken by the softmax.</summary>
    Scores,

    /// <summary>A token's probabilities taken by the context stage.</summary>
    Probabilities,

    /// <summary>A token's output taken by the DMA.</summary>
    Output,

    /// <summary>A write request taken by the memory (Value = address).</summary>
    MemWrite,

    /// <summary>A CSR read's response (Value = read data).</summary>
    CsrRead,

    /// <summary>al_array: an output row (the concatenation, or W_O's output) taken by the array's DMA.</summary>
    Row,
}

/// <summary>
/// Something the head (or head <see cref="Head"/> of an array) does, in the cycle it happens; <see cref="Index"/> counts
/// events of its kind (and head) from 0.
/// </summary>
public sealed record HeadEvent(long Cycle, HeadEventKind Kind, int Index, long Value, int Offset = 0, int Head = 0);

/// <summary>
/// The cycle-exact timing model of the control path of <c>al_top</c>, or with <paramref name="array"/> of <c>al_array</c>:
/// <see cref="ControllerMirror"/>, <see cref="DmaMirror"/>s, <see cref="ArbiterMirror"/>, a <see cref="HeadStagesMirror"/>
/// per head and (with W_O) <see cref="OutputProjectionMirror"/>, wired as the RTL wires al_controller, al_dma,
/// al_mem_arbiter, al_head and al_oproj, driven by the bench's <see cref="CsrDriver"/> and a <see cref="BenchMemory"/> that
/// never stalls. al_top is timed as a one-head array: its one DMA (master 0) also loads the head's weights, there are no
/// per-head loaders, and its arbiter has one master (a pass-through). al_array's DMA moves W_O (if any), the broadcast
/// tokens and the output rows; one loader DMA per head (masters 1..Heads) loads that head's weights, so on LOAD every
/// loader competes for the port. Every register of the control path has its mirror, updated in the RTL's order; the
/// values flowing through the datapath are <see cref="AttentionHead"/>'s business. With a stalling memory only the order
/// of events and the stall-independent counters are predicted (<see cref="DependsOnMemory"/>).
/// </summary>
public sealed class ControlTiming(AttentionConfig config, int memoryLatency, bool array)
{
    private readonly int _latency = BenchMemory.CheckLatency(memoryLatency);

    /// <summary>Counters that depend on memory timing (they differ when the memory stalls).</summary>
    public static bool DependsOnMemory(int offset) => offset is CsrMap.Cycles or CsrMap.TokenCycles or CsrMap.CycFetch or CsrMap.CycWrite;

    /// <summary>
    /// Runs the commands from the first cycle out of reset until they are done and the memory is quiet. With
    /// <paramref name="weightsLoaded"/> the controller starts with WEIGHTS set, as if a LOAD had run before: the model's
    /// shortcut to a decode's timing at sizes whose load would take millions of cycles (the RTL has no such state).
    /// </summary>
    /// <remarks><paramref name="ct"/> is checked every 1,024 cycles: the load of paper-mha's weights takes the model minutes.</remarks>
    public IReadOnlyList<HeadEvent> Run(IReadOnlyList<HeadCommand> commands, long cycleBudget = 100_000_000, bool weightsLoaded = false,
        CancellationToken ct = default)
    {
        var heads = array ? config.Model.Heads : 1;
        var projection = array && config.Model.OutputProjection;
        var headWeightBytes = (uint)config.HeadWeightBytes;
        var driver = new CsrDriver(commands);
        var memory = new BenchMemory(_latency);
        var ctrl = new ControllerMirror(config, weightsLoaded);

        var dma = new DmaMirror(config, array ? DmaShape.Array(config) : DmaShape.Head(config));
        DmaMirror[] masters = [dma, .. Enumerable.Range(0, array ? heads : 0).Select(_ => new DmaMirror(config, DmaShape.Head(config)))];
        // The DMAs a LOAD starts and waits for: al_top's one DMA; al_array's loaders, and its own DMA if it loads W_O.
        var dmaLoads = !array || projection;
        var loading = dmaLoads ? masters : masters[1..];
        var stages = Enumerable.Range(0, heads).Select(_ => new HeadStagesMirror(config)).ToArray();
        var wo = new OutputProjectionMirror(config); // clocked in every array, heard only in one with W_O
        var arbiter = new ArbiterMirror(masters.Length);
        var requests = new bool[masters.Length];
        var taken = new bool[heads];
        var loaded = new bool[loading.Length];
        var events = new EventLog();

        for (long cyc = 0; ; cyc++)
        {
            if (cyc > cycleBudget)
            {
                throw new InvalidOperationException($"the timing model ran past {cycleBudget} cycles: the commands never finish");
            }

            if ((cyc & 0x3FF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            for (var m = 0; m < masters.Length; m++)
            {
                requests[m] = masters[m].ReqValid;
            }

            if (driver.Current is null && memory.Empty && Array.IndexOf(requests, true) < 0)
            {
                return events.Events;
            }

            // ---- Combinational. The memory never refuses: the arbiter's valid request is taken. ----
            var rspValid = memory.RspValid(cyc);
            var rspMaster = memory.Master;
            arbiter.Comb(requests);
            var joined = true;
            for (var h = 0; h < heads; h++)
            {
                joined &= stages[h].OValid;
            }

            // The heads' outputs are taken together, by the DMA or by W_O; a token is taken when every head has taken it.
            var oReady = joined && (projection ? wo.CReady(dma.OReady) : dma.OReady);
            var xAll = true;
            for (var h = 0; h < heads; h++)
            {
                stages[h].Comb(cyc, oReady, ctrl.Clear);
                xAll &= taken[h] || stages[h].XReady;
            }

            // A head's events of this cycle are known once it is computed: they come first, head by head.
            for (var h = 0; h < heads; h++)
            {
                stages[h].TakeToken(dma.XValid && !taken[h]);
                events.Head(cyc, stages[h], h);
            }

            wo.Comb(joined, dma.OReady);
            // The DMA's weights go to al_top's head, or to al_array's W_O.
            dma.Comb(reqReady: arbiter.Grant == 0, rspValid && rspMaster == 0, wReady: array ? projection && wo.WReady : stages[0].WReady,
                xReady: xAll, oValid: projection ? wo.YValid : joined);
            for (var m = 1; m < masters.Length; m++)
            {
                masters[m].Comb(reqReady: arbiter.Grant == m, rspValid && rspMaster == m, wReady: stages[m - 1].WReady, xReady: false, oValid: false);
            }

            var (anyLoadDone, allLoaded) = (false, true);
            for (var i = 0; i < loading.Length; i++)
            {
                anyLoadDone |= loading[i].LoadDone;
                allLoaded &= loaded[i] || loading[i].LoadDone;
            }

            ctrl.Comb(driver.Valid, driver.We, driver.Addr, driver.Data, new ControllerInputs(anyLoadDone && allLoaded, dma.AckLast, dma.AllDone,
                stages[0].SeqLen, dma.Fetching, stages.Any(s => s.QkvBusy), stages.Any(s => s.ScoreBusy), stages.Any(s => s.SoftmaxBusy),
                stages.Any(s => s.ContextBusy), dma.Writing));

            // ---- The other events of this cycle. ----
            events.Emit(array && dma.OFire, cyc, HeadEventKind.Row, 0);
            events.Emit(arbiter.Valid && arbiter.Grant == 0 && dma.ReqWe, cyc, HeadEventKind.MemWrite, dma.ReqAddr);
            events.Emit(driver.Responding, cyc, HeadEventKind.CsrRead, ctrl.RData, driver.Addr);

            // ---- Clock edge: the DMAs take al_controller's registered outputs of this cycle, so the controller clocks last. ----
            driver.Edge(ctrl.Irq);
            memory.Edge(cyc, arbiter.Valid, arbiter.Grant, rspValid);
            arbiter.Edge(memReady: true);
            dma.Edge(dmaLoads && ctrl.LoadStart, ctrl.WBase + (uint)(masters.Length - 1) * headWeightBytes, ctrl.DecodeStart, ctrl.XBase, ctrl.OBase,
                (int)ctrl.TokensReg);
            for (var m = 1; m < masters.Length; m++)
            {
                masters[m].Edge(ctrl.LoadStart, ctrl.WBase + (uint)(m - 1) * headWeightBytes, false, 0, 0, 0);
            }

            for (var h = 0; h < heads; h++)
            {
                stages[h].Edge(cyc);
                taken[h] = !dma.XFire && (taken[h] || stages[h].XFire);
            }

            wo.Edge();
            for (var i = 0; i < loading.Length; i++)
            {
                loaded[i] = !ctrl.LoadStart && (loaded[i] || loading[i].LoadDone);
            }

            ctrl.Edge();
        }
    }
}

/// <summary>Numbers each event within its kind and head, in the order they are emitted.</summary>
public sealed class EventLog
{
    private readonly List<HeadEvent> _events = [];
    private readonly Dictionary<(HeadEventKind, int), int> _counts = [];

    public IReadOnlyList<HeadEvent> Events => _events;

    /// <summary>Records the event if it <paramref name="happened"/> in <paramref name="cycle"/>.</summary>
    public void Emit(bool happened, long cycle, HeadEventKind kind, long value, int offset = 0, int head = 0)
    {
        if (happened)
        {
            var index = _counts.GetValueOrDefault((kind, head));
            _counts[(kind, head)] = index + 1;
            _events.Add(new HeadEvent(cycle, kind, index, value, offset, head));
        }
    }

    /// <summary>The stage handshakes of head <paramref name="index"/> in this cycle, in the bench's trace order.</summary>
    public void Head(long cycle, HeadStagesMirror head, int index)
    {
        Emit(head.QkvFire, cycle, HeadEventKind.Projection, 0, head: index);
        Emit(head.SFire, cycle, HeadEventKind.Scores, head.ScoresCount, head: index);
        Emit(head.PFire, cycle, HeadEventKind.Probabilities, 0, head: index);
        Emit(head.OFire, cycle, HeadEventKind.Output, 0, head: index);
    }
}
