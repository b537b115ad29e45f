using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Timing;

/// <summary>
/// Cycle mirror of <c>al_head</c>'s handshakes: al_qkv, the fork, the K cache and score stage, the softmax, the V
/// cache and context stage, each with its <see cref="CycleModel"/> latency. <see cref="Comb"/> then
/// <see cref="Edge"/>, once per cycle; <see cref="XReady"/>, <see cref="OValidAt"/> and <see cref="SeqLen"/> come from
/// registers and can be read before <see cref="Comb"/>.
/// </summary>
public sealed class HeadStagesMirror(AttentionConfig config)
{
    private readonly int _qkvLatency = CycleModel.QkvLatency(config), _contextLatency = CycleModel.ContextLatency(config);

    // The latencies that depend on the tokens in the K cache, by that count (computed once: the model runs millions of cycles).
    private readonly int[] _scoreLatency = [.. Enumerable.Range(0, config.Model.MaxSeqLen + 1).Select(n => CycleModel.ScoreLatency(config, n))];
    private readonly int[] _softmaxLatency = [.. Enumerable.Range(0, config.Model.MaxSeqLen + 1).Select(n => CycleModel.SoftmaxLatency(config, n))];
    private readonly LatencyStage _qkv = new(), _softmax = new();
    private readonly CachedStage _score = new(config), _context = new(config);
    private bool _kSent, _qSent, _vSent;

    // Combinational signals of this cycle.
    private bool _kFire, _qFire, _vFire, _clear;

    /// <summary>al_qkv is idle: it takes a token, or a weight on its memory port.</summary>
    public bool XReady => !_qkv.Busy;

    /// <summary>Tokens in the K cache (al_score's count_o); also the count the scores taken by the softmax were computed over.</summary>
    public int SeqLen => _score.Count;

    /// <summary>o_valid_o in <paramref name="cycle"/>, from the registers alone (before <see cref="Comb"/>).</summary>
    public bool OValidAt(long cycle) => _context.Stage.ValidIn(cycle);

    public bool XFire { get; private set; }

    public bool OFire { get; private set; }

    /// <summary>q, k, v taken from al_qkv by the fork.</summary>
    public bool QkvFire { get; private set; }

    /// <summary>Scores taken by the softmax.</summary>
    public bool SFire { get; private set; }

    public bool PFire { get; private set; }

    public bool QkvBusy { get; private set; }

    public bool ScoreBusy { get; private set; }

    public bool SoftmaxBusy { get; private set; }

    public bool ContextBusy { get; private set; }

    public void Comb(long cycle, bool xValid, bool oReady, bool clear)
    {
        _clear = clear;
        var qkvValid = _qkv.ValidIn(cycle);
        var kValid = qkvValid && !_kSent;
        var vValid = qkvValid && !_vSent;
        var qValid = qkvValid && _kSent && !_qSent;
        var sValid = _score.Stage.ValidIn(cycle);
        var pValid = _softmax.ValidIn(cycle);
        var oValid = OValidAt(cycle);
        _kFire = kValid && _score.AppendReady(clear);
        _qFire = qValid && _score.QueryReady(clear, kValid);
        _vFire = vValid && _context.AppendReady(clear);
        SFire = sValid && !_softmax.Busy;
        PFire = pValid && _context.QueryReady(clear, vValid);
        QkvFire = qkvValid && (_qSent || _qFire) && (_vSent || _vFire);
        XFire = xValid && XReady;
        OFire = oValid && oReady;
        QkvBusy = _qkv.Busy && !qkvValid;
        ScoreBusy = !_score.Idle && !sValid;
        SoftmaxBusy = _softmax.Busy && !pValid;
        ContextBusy = !_context.Idle && !oValid;
    }

    public void Edge(long cycle)
    {
        var scoreCount = _score.Count;
        _qkv.Step(cycle, XFire, _qkvLatency, QkvFire);
        // The fork: what was sent of this token's q, k and v, until al_qkv lets the token go.
        _kSent = !QkvFire && (_kSent || _kFire);
        _qSent = !QkvFire && (_qSent || _qFire);
        _vSent = !QkvFire && (_vSent || _vFire);

        _score.Step(cycle, _clear, _kFire, _qFire, _scoreLatency[scoreCount], SFire);
        _softmax.Step(cycle, SFire, _softmaxLatency[scoreCount], PFire);
        _context.Step(cycle, _clear, _vFire, PFire, _contextLatency, OFire);
    }
}

/// <summary>
/// A token cache (al_cache_fill: a clear while idle empties it; an append writes DHead cells, then counts the token) and
/// the stage that computes over it (al_score on the K cache, al_context on the V cache): idle when neither writes nor
/// computes; an append waits for a free row, a query for the append of its own token.
/// </summary>
internal sealed class CachedStage(AttentionConfig config)
{
    private int _writeLeft;

    public LatencyStage Stage { get; } = new();

    /// <summary>Tokens in the cache.</summary>
    public int Count { get; private set; }

    public bool Idle => _writeLeft == 0 && !Stage.Busy;

    public bool AppendReady(bool clear) => Idle && Count != config.Model.MaxSeqLen && !clear;

    public bool QueryReady(bool clear, bool appendValid) => Idle && !appendValid && !clear;

    public void Step(long cycle, bool clear, bool append, bool query, int latency, bool taken)
    {
        var idle = Idle;
        Count = clear && idle ? 0 : _writeLeft == 1 && !append ? Count + 1 : Count;
        _writeLeft = clear && idle ? _writeLeft : append ? config.Model.DHead : Math.Max(_writeLeft - 1, 0);
        Stage.Step(cycle, query, latency, taken);
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
