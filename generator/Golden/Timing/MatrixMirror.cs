namespace AttentionLego.Gen.Golden.Timing;

/// <summary>
/// Cycle mirror of <c>al_pim_matrix</c>'s handshakes. An x accepted in cycle a runs its N steps in a+1..a+N, drains in
/// a+N+1 (the last ADC outputs are added), and moves into the output register at the end of the next cycle in which the
/// register is free or being taken, so y is valid from a+N+3 at the earliest (<see cref="CycleModel.MatrixComputeLatency"/>).
/// The next x is taken in the drain cycle already when the result before it will find the register free, so products
/// follow each other every N+1 cycles. Memory requests are taken whenever no step runs. A tag (al_score's token count)
/// travels with each product. The values the RTL derives from registers are properties; the ones that depend on this
/// cycle's y_ready_i are methods.
/// </summary>
public sealed class MatrixMirror
{
    private enum State
    {
        Idle,
        Busy,
        Drain,
    }

    private State _state;
    private int _stepsLeft;
    private bool _full;
    private int _tagRun, _tagFull;

    /// <summary>y_valid_o: the output register holds a result.</summary>
    public bool YValid { get; private set; }

    /// <summary>y_tag_o: the tag of the result in the output register.</summary>
    public int YTag { get; private set; }

    /// <summary>busy_o: a product's steps or drain cycle run.</summary>
    public bool Busy => _state != State.Idle;

    /// <summary>A product is computing, waiting for the output register, or on offer.</summary>
    public bool Pending => _state != State.Idle || _full || YValid;

    /// <summary>No compute step runs: a memory request (and, in the RTL, a cache's append or clear) is taken.</summary>
    public bool MemReady => _state != State.Busy;

    /// <summary>x_ready_o with y_ready_i = <paramref name="yReady"/> (a pending result needs the output register in time).</summary>
    public bool XReady(bool yReady) => MemReady && (!(_state == State.Drain || _full) || !YValid || yReady);

    /// <summary>The clock edge: <paramref name="xFire"/> starts a product of <paramref name="steps"/> steps with its tag.</summary>
    public void Edge(bool xFire, int steps, bool yReady, int tag = 0)
    {
        var move = _full && (!YValid || yReady);
        var drain = _state == State.Drain;
        if (move)
        {
            YTag = _tagFull;
        }

        if (drain)
        {
            _tagFull = _tagRun;
        }

        YValid = move || (YValid && !yReady);
        _full = drain || (_full && !move);
        if (xFire)
        {
            (_state, _stepsLeft, _tagRun) = (State.Busy, steps, tag);
        }
        else if (drain)
        {
            _state = State.Idle;
        }
        else if (_state == State.Busy && --_stepsLeft == 0)
        {
            _state = State.Drain;
        }
    }
}
