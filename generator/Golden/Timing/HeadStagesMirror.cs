using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Timing;

/// <summary>
/// Cycle mirror of <c>al_head</c>'s handshakes: al_qkv, the fork, the K cache and score stage, the softmax, the V
/// cache and context stage, each with its <see cref="CycleModel"/> latency. <see cref="Comb"/> then
/// <see cref="Edge"/>, once per cycle; <see cref="XReady"/>, <see cref="OValid"/> and <see cref="SeqLen"/> are
/// registers and can be read before <see cref="Comb"/>.
/// </summary>
public sealed class HeadStagesMirror(AttentionConfig config)
{
    private readonly int _dHead = config.Model.DHead, _maxSeq = config.Model.MaxSeqLen;
    private readonly int _qkvLatency = CycleModel.QkvLatency(config), _contextLatency = CycleModel.ContextLatency(config);

    // The latencies that depend on the tokens in the K cache, by that count (computed once: the model runs millions of cycles).
    private readonly int[] _scoreLatency = [.. Enumerable.Range(0, config.Model.MaxSeqLen + 1).Select(n => CycleModel.ScoreLatency(config, n))];
    private readonly int[] _softmaxLatency = [.. Enumerable.Range(0, config.Model.MaxSeqLen + 1).Select(n => CycleModel.SoftmaxLatency(config, n))];
    private readonly LatencyStage _qkv = new(), _score = new(), _softmax = new(), _context = new();
    private bool _kSent, _qSent, _vSent;
    private int _scoreWriteLeft, _scoreCount, _ctxWriteLeft, _ctxCount;

    // Combinational signals of this cycle.
    private bool _kFire, _qFire, _vFire, _clear, _scoreIdle, _ctxIdle;

    /// <summary>al_qkv is idle: it takes a token, or a weight on its memory port.</summary>
    public bool XReady => !_qkv.Busy;

    /// <summary>Tokens in the K cache (al_score's count_o); also the count the scores taken by the softmax were computed over.</summary>
    public int SeqLen => _scoreCount;

    public bool OValid { get; private set; }

    /// <summary>o_valid_o in <paramref name="cycle"/>, from the registers alone (before <see cref="Comb"/>).</summary>
    public bool OValidAt(long cycle) => _context.ValidIn(cycle);

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
        _scoreIdle = _scoreWriteLeft == 0 && !_score.Busy;
        var kReady = _scoreIdle && _scoreCount != _maxSeq && !clear;
        var qReady = _scoreIdle && !kValid && !clear;
        var sValid = _score.ValidIn(cycle);
        var pValid = _softmax.ValidIn(cycle);
        _ctxIdle = _ctxWriteLeft == 0 && !_context.Busy;
        var vReady = _ctxIdle && _ctxCount != _maxSeq && !clear;
        var pReady = _ctxIdle && !vValid && !clear;
        OValid = OValidAt(cycle);
        _kFire = kValid && kReady;
        _qFire = qValid && qReady;
        _vFire = vValid && vReady;
        SFire = sValid && !_softmax.Busy;
        PFire = pValid && pReady;
        QkvFire = qkvValid && (_qSent || _qFire) && (_vSent || _vFire);
        XFire = xValid && XReady;
        OFire = OValid && oReady;
        QkvBusy = _qkv.Busy && !qkvValid;
        ScoreBusy = !_scoreIdle && !sValid;
        SoftmaxBusy = _softmax.Busy && !pValid;
        ContextBusy = !_ctxIdle && !OValid;
    }

    public void Edge(long cycle)
    {
        var scoreCount = _scoreCount;
        _qkv.Step(cycle, XFire, _qkvLatency, QkvFire);
        // The fork: what was sent of this token's q, k and v, until al_qkv lets the token go.
        _kSent = !QkvFire && (_kSent || _kFire);
        _qSent = !QkvFire && (_qSent || _qFire);
        _vSent = !QkvFire && (_vSent || _vFire);

        StepCache(ref _scoreWriteLeft, ref _scoreCount, _clear && _scoreIdle, _kFire);
        _score.Step(cycle, _qFire, _scoreLatency[scoreCount], SFire);
        _softmax.Step(cycle, SFire, _softmaxLatency[scoreCount], PFire);
        StepCache(ref _ctxWriteLeft, ref _ctxCount, _clear && _ctxIdle, _vFire);
        _context.Step(cycle, PFire, _contextLatency, OFire);
    }

    /// <summary>al_cache_fill: a clear while idle empties the cache; an append writes DHead cells, then counts the token.</summary>
    private void StepCache(ref int writeLeft, ref int count, bool clear, bool append)
    {
        if (clear)
        {
            count = 0;
        }
        else if (append)
        {
            writeLeft = _dHead;
        }
        else if (writeLeft > 0)
        {
            writeLeft--;
            if (writeLeft == 0)
            {
                count++;
            }
        }
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
