using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>One step of the command list a bench (or software) plays on the head's CSR port.</summary>
public abstract record HeadCommand
{
    public sealed record Write(int Offset, uint Value) : HeadCommand;

    public sealed record Read(int Offset) : HeadCommand;

    /// <summary>Wait until irq_o is high (the command finished or was refused).</summary>
    public sealed record WaitIrq : HeadCommand;

    public sealed record Idle(int Cycles) : HeadCommand;
}

/// <summary>The head's control/status registers: <see cref="CsrMap"/>'s, under the names the benches use.</summary>
public static class HeadRegisters
{
    public const int Ctrl = CsrMap.Ctrl, Status = CsrMap.Status, Error = CsrMap.Error, Tokens = CsrMap.Tokens, WBase = CsrMap.WBase;
    public const int XBase = CsrMap.XBase, OBase = CsrMap.OBase, SeqLen = CsrMap.SeqLen, Cycles = CsrMap.Cycles;
    public const int TokensDone = CsrMap.TokensDone, TokenCycles = CsrMap.TokenCycles, CycFetch = CsrMap.CycFetch, CycQkv = CsrMap.CycQkv;
    public const int CycScore = CsrMap.CycScore, CycSoftmax = CsrMap.CycSoftmax, CycContext = CsrMap.CycContext, CycWrite = CsrMap.CycWrite;
    public const int Id = CsrMap.Id, ConfigHash = CsrMap.ConfigHash, MaxSeqLen = CsrMap.MaxSeqLen;

    public const uint CtrlLoad = CsrMap.CtrlLoad, CtrlDecode = CsrMap.CtrlDecode, CtrlClear = CsrMap.CtrlClear;
    public const uint StatusBusy = CsrMap.StatusBusy, StatusDone = CsrMap.StatusDone, StatusError = CsrMap.StatusError;
    public const uint StatusWeights = CsrMap.StatusWeights;
    public const uint ErrBusy = CsrMap.ErrBusy, ErrNoWeights = CsrMap.ErrNoWeights, ErrOverflow = CsrMap.ErrOverflow;
    public const uint ErrAlign = CsrMap.ErrAlign, ErrCommand = CsrMap.ErrCommand;
    public const uint IdValue = CsrMap.IdValue;

    /// <summary>Every readable register with its name, in offset order.</summary>
    public static IReadOnlyList<(int Offset, string Name)> All { get; } = [.. CsrMap.Registers.Select(r => (r.Offset, r.Name))];

    public static string Name(int offset) => All.FirstOrDefault(r => r.Offset == offset).Name ?? $"0x{offset:x2}";

    /// <summary>Counters that depend on memory timing (they differ when the memory stalls).</summary>
    public static bool DependsOnMemory(int offset) =>
        offset is Cycles or TokenCycles or CycFetch or CycWrite;
}

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
/// The bench's CSR command player (templates/tb): a write or read takes two cycles (request, then response), WaitIrq
/// waits for irq_o, Idle waits its cycles.
/// </summary>
public sealed class CsrDriver(IReadOnlyList<HeadCommand> commands)
{
    private bool _phase;
    private int _idleDone, _index;

    /// <summary>The command being played, or null when all are done.</summary>
    public HeadCommand? Current => _index < commands.Count ? commands[_index] : null;

    public bool Valid => Current is HeadCommand.Write or HeadCommand.Read && !_phase;

    public bool We => Current is HeadCommand.Write;

    public int Addr => Current switch { HeadCommand.Write w => w.Offset & CsrMap.OffsetMask, HeadCommand.Read r => r.Offset & CsrMap.OffsetMask, _ => 0 };

    public uint Data => Current is HeadCommand.Write w ? w.Value : 0u;

    /// <summary>The read whose data the controller returns in this cycle, or null.</summary>
    public HeadCommand.Read? Responding => _phase ? Current as HeadCommand.Read : null;

    public void Edge(bool irq)
    {
        var advance = false;
        switch (Current)
        {
            case HeadCommand.Write or HeadCommand.Read:
                advance = _phase;
                _phase = !_phase;
                break;
            case HeadCommand.WaitIrq:
                advance = irq;
                break;
            case HeadCommand.Idle idle:
                advance = idle.Cycles - _idleDone <= 1;
                _idleDone += advance ? 0 : 1;
                break;
        }

        if (advance)
        {
            _index++;
            _idleDone = 0;
        }
    }
}

/// <summary>
/// The bench's memory without stalls: it takes every request and answers each exactly <c>latency</c> cycles later (or
/// right after the answer before it), in order. <see cref="Master"/> says whose request the next answer is.
/// </summary>
public sealed class BenchMemory
{
    private readonly int _latency;
    private readonly Queue<(long Due, int Master)> _queue = new();
    private long _lastDue;

    public BenchMemory(int latency) => _latency = CheckLatency(latency);

    /// <summary>The latency, if the memory can have it (at least one cycle).</summary>
    public static int CheckLatency(int latency) => latency >= 1 ? latency
        : throw new ArgumentOutOfRangeException(nameof(latency), "the memory answers at least one cycle after a request");

    public bool Empty => _queue.Count == 0;

    /// <summary>A response is on the bus in <paramref name="cycle"/>.</summary>
    public bool RspValid(long cycle) => _queue.Count > 0 && _queue.Peek().Due <= cycle;

    public int Master => _queue.Count > 0 ? _queue.Peek().Master : -1;

    /// <summary>The clock edge: <paramref name="taken"/> a request was taken (from <paramref name="master"/>); the response on the bus was taken.</summary>
    public void Edge(long cycle, bool taken, int master, bool rspValid)
    {
        if (taken)
        {
            _lastDue = Math.Max(cycle + _latency, _lastDue);
            _queue.Enqueue((_lastDue, master));
        }

        if (rspValid)
        {
            _queue.Dequeue();
        }
    }
}

/// <summary>
/// The cycle-exact timing model of <c>al_top</c>: <see cref="ControllerMirror"/>, <see cref="DmaMirror"/> and
/// <see cref="HeadStagesMirror"/> wired as al_top wires al_controller, al_dma and al_head, driven by the bench's
/// <see cref="CsrDriver"/> and a <see cref="BenchMemory"/> that never stalls. Every register of the RTL's control path has
/// its mirror, updated in the same order; the values flowing through the datapath are <see cref="AttentionHead"/>'s
/// business. With a stalling memory only the order of events and the stall-independent counters are predicted
/// (<see cref="HeadRegisters.DependsOnMemory"/>).
/// </summary>
public sealed class HeadTiming(AttentionConfig config, int memoryLatency)
{
    private readonly AttentionConfig _c = config;
    private readonly int _latency = BenchMemory.CheckLatency(memoryLatency);

    /// <summary>
    /// Runs the commands from the first cycle out of reset until they are done and the memory is quiet; with
    /// <paramref name="weightsLoaded"/> as <see cref="ArrayTiming.Run"/> says.
    /// </summary>
    /// <remarks><paramref name="ct"/> is checked every 1,024 cycles: the paper head's load takes the model seconds.</remarks>
    public IReadOnlyList<HeadEvent> Run(IReadOnlyList<HeadCommand> commands, long cycleBudget = 100_000_000, bool weightsLoaded = false,
        CancellationToken ct = default)
    {
        var driver = new CsrDriver(commands);
        var memory = new BenchMemory(_latency);
        var ctrl = new ControllerMirror(_c);
        if (weightsLoaded)
        {
            ctrl.AssumeWeightsLoaded();
        }

        var dma = new DmaMirror(_c, DmaShape.Head(_c));
        var head = new HeadStagesMirror(_c);
        var events = new EventLog();

        for (long cyc = 0; ; cyc++)
        {
            if (cyc > cycleBudget)
            {
                throw new InvalidOperationException($"the head timing model ran past {cycleBudget} cycles: the commands never finish");
            }

            if ((cyc & 0x3FF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            if (driver.Current is null && memory.Empty && !dma.ReqValid)
            {
                return events.Events;
            }

            // ---- Combinational. ----
            var rspValid = memory.RspValid(cyc);
            head.Comb(cyc, dma.XValid, dma.OReady, ctrl.Clear);
            dma.Comb(reqReady: true, rspValid, wReady: head.XReady, xReady: head.XReady, oValid: head.OValid);
            ctrl.Comb(driver.Valid, driver.We, driver.Addr, driver.Data, new ControllerInputs(dma.LoadDone, dma.AckLast, dma.AllDone,
                head.SeqLen, dma.Fetching, head.QkvBusy, head.ScoreBusy, head.SoftmaxBusy, head.ContextBusy, dma.Writing));

            // ---- Events of this cycle. ----
            events.Head(cyc, head);
            if (dma.ReqValid && dma.ReqWe)
            {
                events.Emit(cyc, HeadEventKind.MemWrite, dma.ReqAddr);
            }

            if (driver.Responding is { } read)
            {
                events.Emit(cyc, HeadEventKind.CsrRead, ctrl.RData, read.Offset & CsrMap.OffsetMask);
            }

            // ---- Clock edge. ----
            var (loadStart, decodeStart, wBase, xBase, oBase, tokens) =
                (ctrl.LoadStart, ctrl.DecodeStart, ctrl.WBase, ctrl.XBase, ctrl.OBase, (int)ctrl.TokensReg);
            driver.Edge(ctrl.Irq);
            memory.Edge(cyc, dma.ReqValid, 0, rspValid);
            ctrl.Edge();
            dma.Edge(loadStart, wBase, decodeStart, xBase, oBase, tokens);
            head.Edge(cyc);
        }
    }
}

/// <summary>Numbers each event within its kind and head, in the order they are emitted.</summary>
public sealed class EventLog
{
    private readonly List<HeadEvent> _events = [];
    private readonly Dictionary<(HeadEventKind, int), int> _counts = [];

    public IReadOnlyList<HeadEvent> Events => _events;

    public void Emit(long cycle, HeadEventKind kind, long value, int offset = 0, int head = 0)
    {
        var index = _counts.GetValueOrDefault((kind, head));
        _counts[(kind, head)] = index + 1;
        _events.Add(new HeadEvent(cycle, kind, index, value, offset, head));
    }

    /// <summary>The stage handshakes of head <paramref name="index"/> in this cycle, in the bench's trace order.</summary>
    public void Head(long cycle, HeadStagesMirror head, int index = 0)
    {
        if (head.QkvFire)
        {
            Emit(cycle, HeadEventKind.Projection, 0, head: index);
        }

        if (head.SFire)
        {
            Emit(cycle, HeadEventKind.Scores, head.ScoresCount, head: index);
        }

        if (head.PFire)
        {
            Emit(cycle, HeadEventKind.Probabilities, 0, head: index);
        }

        if (head.OFire)
        {
            Emit(cycle, HeadEventKind.Output, 0, head: index);
        }
    }
}
