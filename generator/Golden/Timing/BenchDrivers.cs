using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Timing;

/// <summary>One step of the command list a bench (or software) plays on the head's CSR port.</summary>
public abstract record HeadCommand
{
    public sealed record Write(int Offset, uint Value) : HeadCommand;

    public sealed record Read(int Offset) : HeadCommand;

    /// <summary>Wait until irq_o is high (the command finished or was refused).</summary>
    public sealed record WaitIrq : HeadCommand;

    public sealed record Idle(int Cycles) : HeadCommand;
}

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

    /// <summary>The controller returns the data of the read <see cref="Current"/> (at <see cref="Addr"/>) in this cycle.</summary>
    public bool Responding => _phase && Current is HeadCommand.Read;

    public void Edge(bool irq)
    {
        var advance = Current switch
        {
            HeadCommand.Write or HeadCommand.Read => _phase,
            HeadCommand.WaitIrq => irq,
            HeadCommand.Idle idle => idle.Cycles - _idleDone <= 1,
            _ => false,
        };
        _phase = Current is HeadCommand.Write or HeadCommand.Read && !_phase;
        _idleDone = advance ? 0 : _idleDone + 1;
        _index += advance ? 1 : 0;
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
