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

    public bool CFire { get; private set; }

    public bool YFire { get; private set; }

    public void Comb(long cycle, bool cValid, bool yReady)
    {
        YValid = _matrix.ValidIn(cycle);
        CFire = cValid && Idle;
        YFire = YValid && yReady;
    }

    public void Edge(long cycle) => _matrix.Step(cycle, CFire, _latency, YFire);
}
