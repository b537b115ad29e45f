using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>
/// Cycle mirror of <c>al_head</c>'s handshakes: al_qkv, the fork, the K cache and score stage, the softmax, the V
/// cache and context stage, each with its <see cref="CycleModel"/> latency. <see cref="Comb"/> then
/// <see cref="Edge"/>, once per cycle; <see cref="XReady"/>, <see cref="OValid"/> and <see cref="SeqLen"/> are
/// registers and can be read before <see cref="Comb"/>.
/// </summary>
public sealed class HeadStagesMirror(AttentionConfig config)
{
    private readonly int _dHead = config.Model.DHead, _maxSeq = config.Model.MaxSeqLen;
    private bool _qkvBusy, _kSent, _qSent, _vSent, _scoreBusy, _smBusy, _ctxBusy;
    private long _qkvValidAt, _scoreValidAt, _smValidAt, _ctxValidAt;
    private int _scoreWriteLeft, _scoreCount, _ctxWriteLeft, _ctxCount;

    // Combinational signals of this cycle.
    private bool _kFire, _qFire, _vFire, _clear, _scoreIdle, _ctxIdle;

    /// <summary>al_qkv is idle: it takes a token, or a weight on its memory port.</summary>
    public bool XReady => !_qkvBusy;

    /// <summary>Tokens in the K cache (al_score's count_o).</summary>
    public int SeqLen => _scoreCount;

    public bool OValid { get; private set; }

    /// <summary>o_valid_o in <paramref name="cycle"/>, from the registers alone (before <see cref="Comb"/>).</summary>
    public bool OValidAt(long cycle) => _ctxBusy && cycle >= _ctxValidAt;

    public bool XFire { get; private set; }

    public bool OFire { get; private set; }

    /// <summary>q, k, v taken from al_qkv by the fork.</summary>
    public bool QkvFire { get; private set; }

    /// <summary>Scores taken by the softmax; <see cref="ScoresCount"/> is the count they were computed over.</summary>
    public bool SFire { get; private set; }

    public int ScoresCount => _scoreCount;

    public bool PFire { get; private set; }

    public bool QkvBusy { get; private set; }

    public bool ScoreBusy { get; private set; }

    public bool SoftmaxBusy { get; private set; }

    public bool ContextBusy { get; private set; }

    public void Comb(long cycle, bool xValid, bool oReady, bool clear)
    {
        _clear = clear;
        var qkvValid = _qkvBusy && cycle >= _qkvValidAt;
        var kValid = qkvValid && !_kSent;
        var vValid = qkvValid && !_vSent;
        var qValid = qkvValid && _kSent && !_qSent;
        _scoreIdle = _scoreWriteLeft == 0 && !_scoreBusy;
        var kReady = _scoreIdle && _scoreCount != _maxSeq && !clear;
        var qReady = _scoreIdle && !kValid && !clear;
        var sValid = _scoreBusy && cycle >= _scoreValidAt;
        var sReady = !_smBusy;
        var pValid = _smBusy && cycle >= _smValidAt;
        _ctxIdle = _ctxWriteLeft == 0 && !_ctxBusy;
        var vReady = _ctxIdle && _ctxCount != _maxSeq && !clear;
        var pReady = _ctxIdle && !vValid && !clear;
        OValid = OValidAt(cycle);
        _kFire = kValid && kReady;
        _qFire = qValid && qReady;
        _vFire = vValid && vReady;
        SFire = sValid && sReady;
        PFire = pValid && pReady;
        QkvFire = qkvValid && (_qSent || _qFire) && (_vSent || _vFire);
        XFire = xValid && XReady;
        OFire = OValid && oReady;
        QkvBusy = _qkvBusy && !qkvValid;
        ScoreBusy = !_scoreIdle && !sValid;
        SoftmaxBusy = _smBusy && !pValid;
        ContextBusy = !_ctxIdle && !OValid;
    }

    public void Edge(long cycle)
    {
        var scoreCount = _scoreCount;
        if (XFire)
        {
            (_qkvBusy, _qkvValidAt) = (true, cycle + CycleModel.QkvLatency(config));
        }
        else if (QkvFire)
        {
            _qkvBusy = false;
        }

        if (QkvFire)
        {
            (_kSent, _qSent, _vSent) = (false, false, false);
        }
        else
        {
            _kSent |= _kFire;
            _qSent |= _qFire;
            _vSent |= _vFire;
        }

        StepCache(ref _scoreWriteLeft, ref _scoreCount, _clear && _scoreIdle, _kFire);
        if (_qFire)
        {
            (_scoreBusy, _scoreValidAt) = (true, cycle + CycleModel.ScoreLatency(config, scoreCount));
        }
        else if (SFire)
        {
            _scoreBusy = false;
        }

        if (SFire)
        {
            (_smBusy, _smValidAt) = (true, cycle + CycleModel.SoftmaxLatency(config, Math.Min(scoreCount, _maxSeq)));
        }
        else if (PFire)
        {
            _smBusy = false;
        }

        StepCache(ref _ctxWriteLeft, ref _ctxCount, _clear && _ctxIdle, _vFire);
        if (PFire)
        {
            (_ctxBusy, _ctxValidAt) = (true, cycle + CycleModel.ContextLatency(config));
        }
        else if (OFire)
        {
            _ctxBusy = false;
        }
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
