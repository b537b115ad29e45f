using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Timing;

/// <summary>
/// Cycle mirror of <c>al_head</c>'s handshakes: al_qkv, the fork, the K cache and score stage, the softmax, the V cache
/// and context stage, each array a <see cref="MatrixMirror"/>, the softmax a <see cref="LatencyStage"/>. Per cycle:
/// <see cref="Comb"/> (everything but the token's handshake), <see cref="TakeToken"/>, then <see cref="Edge"/>.
/// <see cref="WReady"/>, <see cref="OValid"/> and <see cref="SeqLen"/> come from registers; <see cref="XReady"/> is known
/// after <see cref="Comb"/>.
/// </summary>
public sealed class HeadStagesMirror(AttentionConfig config)
{
    private readonly int _qkvSteps = config.ProjectionShape.ComputeSteps, _contextSteps = config.ContextShape.ComputeSteps;
    // The latencies and steps that depend on a token count (computed once: the model runs millions of cycles).
    private readonly int[] _scoreSteps = [.. Enumerable.Range(0, config.Model.MaxSeqLen + 1).Select(n => CycleModel.ScoreSteps(config, n))];
    private readonly int[] _softmaxLatency = [.. Enumerable.Range(0, config.Model.MaxSeqLen + 1).Select(n => CycleModel.SoftmaxLatency(config, n))];
    private readonly MatrixMirror _qkv = new();
    private readonly CachedArray _score = new(config.Model.MaxSeqLen), _context = new(config.Model.MaxSeqLen);
    private readonly LatencyStage _softmax = new();
    private bool _kSent, _qSent, _vSent;

    // Combinational signals of this cycle.
    private bool _kFire, _qFire, _vFire, _clear;

    /// <summary>w_ready_o: al_qkv takes a weight (no projection step runs).</summary>
    public bool WReady => _qkv.MemReady;

    /// <summary>x_ready_o, after <see cref="Comb"/>: al_qkv takes a token.</summary>
    public bool XReady { get; private set; }

    /// <summary>Tokens in the K cache (al_score's count_o).</summary>
    public int SeqLen => _score.Count;

    /// <summary>The token count the scores on offer were computed over (al_score's s_count_o).</summary>
    public int ScoresCount => _score.Matrix.YTag;

    /// <summary>o_valid_o, from the registers alone.</summary>
    public bool OValid => _context.Matrix.YValid;

    public bool XFire { get; private set; }

    public bool OFire { get; private set; }

    /// <summary>q, k, v taken from al_qkv by the fork.</summary>
    public bool QkvFire { get; private set; }

    /// <summary>Scores taken by the softmax.</summary>
    public bool SFire { get; private set; }

    public bool PFire { get; private set; }

    public bool QkvBusy => _qkv.Busy;

    public bool ScoreBusy => _score.Matrix.Busy;

    public bool SoftmaxBusy { get; private set; }

    public bool ContextBusy => _context.Matrix.Busy;

    public void Comb(long cycle, bool oReady, bool clear)
    {
        _clear = clear;
        var qkvValid = _qkv.YValid;
        var kValid = qkvValid && !_kSent;
        var vValid = qkvValid && !_vSent;
        var kReady = _score.AppendReady(clear);
        var sReady = !_softmax.Busy;
        var pValid = _softmax.ValidIn(cycle);
        _kFire = kValid && kReady;
        _vFire = vValid && _context.AppendReady(clear);
        // The fork offers q once its k is appended or being appended.
        _qFire = qkvValid && (_kSent || kReady) && !_qSent && _score.QueryReady(clear, kValid, sReady);
        PFire = pValid && _context.QueryReady(clear, vValid, oReady);
        SFire = _score.Matrix.YValid && sReady;
        OFire = _context.Matrix.YValid && oReady;
        QkvFire = qkvValid && (_qSent || _qFire) && (_vSent || _vFire);
        XReady = _qkv.XReady(QkvFire);
        SoftmaxBusy = _softmax.Busy && !pValid;
    }

    /// <summary>x_valid_i of this cycle (after <see cref="Comb"/>).</summary>
    public void TakeToken(bool xValid) => XFire = xValid && XReady;

    public void Edge(long cycle)
    {
        var queryCount = _score.QueryCount(_kFire);
        _softmax.Step(cycle, SFire, _softmaxLatency[_score.Matrix.YTag], PFire);
        _qkv.Edge(XFire, _qkvSteps, QkvFire);
        _score.Edge(_clear, _kFire, _qFire, _scoreSteps[queryCount], SFire, queryCount);
        _context.Edge(_clear, _vFire, PFire, _contextSteps, OFire);
        // The fork: what was sent of this token's q, k and v, until al_qkv lets the token go.
        _kSent = !QkvFire && (_kSent || _kFire);
        _qSent = !QkvFire && (_qSent || _qFire);
        _vSent = !QkvFire && (_vSent || _vFire);
    }
}

/// <summary>
/// A token cache and the array behind it (al_cache_fill and al_pim_matrix, in al_score or al_context): an append is one
/// write, taken while no compute step runs and the cache is not full; a query is taken when the array takes x and no
/// append is offered that is not taken with it, and it counts the append of its cycle. A clear, taken while no compute
/// step runs, empties the cache and refuses the appends and queries of its cycle.
/// </summary>
internal sealed class CachedArray(int maxSeqLen)
{
    public MatrixMirror Matrix { get; } = new();

    /// <summary>Tokens in the cache (count_o).</summary>
    public int Count { get; private set; }

    public bool AppendReady(bool clear) => Matrix.MemReady && Count != maxSeqLen && !clear;

    /// <summary>q_ready_o (p_ready_o) with the append on offer and the output's y_ready_i of this cycle.</summary>
    public bool QueryReady(bool clear, bool appendValid, bool yReady) => Matrix.XReady(yReady) && !clear && (!appendValid || AppendReady(clear));

    /// <summary>The tokens a query of this cycle counts: the cache's, and the one appended with it.</summary>
    public int QueryCount(bool append) => Count + (append ? 1 : 0);

    public void Edge(bool clear, bool append, bool query, int steps, bool yReady, int tag = 0)
    {
        var cleared = clear && Matrix.MemReady;
        Matrix.Edge(query, steps, yReady, tag);
        Count = cleared ? 0 : QueryCount(append);
    }
}

/// <summary>A unit with a fixed latency: started in a cycle, it offers its result that many cycles later until the result is taken.</summary>
internal sealed class LatencyStage
{
    private long _validAt;

    public bool Busy { get; private set; }

    public bool ValidIn(long cycle) => Busy && cycle >= _validAt;

    /// <summary>The clock edge: a start (which wins) or the result taken.</summary>
    public void Step(long cycle, bool start, int latency, bool taken)
    {
        if (start)
        {
            (Busy, _validAt) = (true, cycle + latency);
        }
        else if (taken)
        {
            Busy = false;
        }
    }
}
