using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Timing;

/// <summary>Cycle mirror of <c>al_oproj</c>'s handshakes: idle until it takes a concatenation, its output valid a matrix latency later.</summary>
public sealed class OutputProjectionMirror(AttentionConfig config)
{
    private readonly LatencyStage _matrix = new();
    private readonly int _latency = CycleModel.OutputProjectionLatency(config);

    /// <summary>c_ready_o and w_ready_o: the matrix is idle.</summary>
    public bool Idle => !_matrix.Busy;

    public bool YValid { get; private set; }

    // Combinational signals of this cycle: a concatenation taken, the output taken.
    private bool _cFire, _yFire;

    public void Comb(long cycle, bool cValid, bool yReady)
    {
        YValid = _matrix.ValidIn(cycle);
        (_cFire, _yFire) = (cValid && Idle, YValid && yReady);
    }

    public void Edge(long cycle) => _matrix.Step(cycle, _cFire, _latency, _yFire);
}
