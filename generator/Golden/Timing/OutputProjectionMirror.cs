using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Timing;

/// <summary>Cycle mirror of <c>al_oproj</c>'s handshakes: its <see cref="MatrixMirror"/>, fed the concatenation and read by the array's DMA.</summary>
public sealed class OutputProjectionMirror(AttentionConfig config)
{
    private readonly MatrixMirror _matrix = new();
    private readonly int _steps = config.OutputProjectionShape.ComputeSteps;

    /// <summary>w_ready_o: no compute step runs.</summary>
    public bool WReady => _matrix.MemReady;

    /// <summary>y_valid_o, from the registers alone.</summary>
    public bool YValid => _matrix.YValid;

    /// <summary>c_ready_o with the array DMA's o_ready of this cycle.</summary>
    public bool CReady(bool yReady) => _matrix.XReady(yReady);

    // Combinational signals of this cycle: a concatenation taken, the output taken.
    private bool _cFire, _yReady;

    public void Comb(bool cValid, bool yReady) => (_cFire, _yReady) = (cValid && CReady(yReady), yReady);

    public void Edge() => _matrix.Edge(_cFire, _steps, _yReady);
}
