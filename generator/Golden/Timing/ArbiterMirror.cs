namespace AttentionLego.Gen.Golden.Timing;

/// <summary>
/// Cycle mirror of <c>al_mem_arbiter</c>: round robin from the master after the last one served; a refused request
/// keeps its grant until the memory takes it. With one master it passes the request through (al_top's timing).
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
        _last = Valid && memReady ? Grant : _last;
    }
}
