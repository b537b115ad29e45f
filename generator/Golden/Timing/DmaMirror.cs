using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Timing;

/// <summary>
/// The shape of one <c>al_dma</c> instance: its parameters Matrices, WRows, WCols, XElems, OElems and WriteCells (the
/// weights of one write of the weight port, <see cref="MatrixShape.WriteCells"/> of the matrices it loads).
/// </summary>
public sealed record DmaShape(int Matrices, int WRows, int WCols, int XElems, int OElems, int WriteCells)
{
    /// <summary>
    /// al_top's DMA: W_Q, W_K, W_V into the head, the head's tokens and outputs; also al_array's per-head loader (its
    /// decode side tied off).
    /// </summary>
    public static DmaShape Head(AttentionConfig c) =>
        new(3, c.Model.DModel, c.Model.DHead, c.Model.DModel, c.Model.DHead, c.ProjectionShape.WriteCells);

    /// <summary>al_array's own DMA: W_O (if any), the broadcast tokens and the output rows.</summary>
    public static DmaShape Array(AttentionConfig c) =>
        new(c.Model.OutputProjection ? 1 : 0, c.Model.Heads * c.Model.DHead, c.Model.DModel, c.Model.DModel, c.Model.RowElements,
            c.OutputProjectionShape.WriteCells);
}

/// <summary>
/// Cycle mirror of one <c>al_dma</c>: every register, updated in the RTL's order. Each cycle, <see cref="Comb"/>
/// computes the combinational signals from the registers and the inputs; <see cref="Edge"/> then clocks the
/// registers. Outputs that are registers (<see cref="ReqValid"/>, <see cref="WValid"/>, <see cref="XValid"/>,
/// <see cref="OReady"/>) can be read before <see cref="Comb"/>.
/// </summary>
public sealed class DmaMirror
{
    private readonly int _xWords, _oWords, _writesPerWord, _wWords, _writes, _busBytes, _maxOut;

    // The tags of the requests in flight (loaded into the request register, response not yet taken), oldest first.
    private readonly Queue<Tag> _tags = new();

    // Registers.
    private bool _reqWe, _loadActive, _curValid, _decodeActive, _xFull;
    private uint _reqAddr, _wAddr, _xAddr, _oAddr;
    private int _wIssued, _wPending, _wfifoCnt, _elem, _wLeft, _tokens, _fetched, _written, _xIssue, _xRx, _oLeft, _acks, _wrOut;

    // Combinational signals of this cycle: the request issued and the response taken (their tags), if any.
    private Tag? _issue, _rsp;
    private bool _reqFree, _wLast, _pop;

    public DmaMirror(AttentionConfig config, DmaShape shape)
    {
        var bus = config.Bus.DataWidth;
        _xWords = shape.XElems * config.Format.DataWidth / bus;
        _oWords = shape.OElems * config.Format.DataWidth / bus;
        _writesPerWord = bus / config.Format.WeightWidth / shape.WriteCells;
        _writes = shape.Matrices * shape.WRows * shape.WCols / shape.WriteCells;
        _wWords = _writes / _writesPerWord;
        _busBytes = bus / 8;
        _maxOut = config.Bus.MaxOutstanding;
    }

    private enum Tag { Write, Weight, Token }

    public bool ReqValid { get; private set; }

    public bool ReqWe => _reqWe;

    public uint ReqAddr => _reqAddr;

    public bool WValid => _curValid;

    public bool XValid => _xFull;

    public bool OReady => _decodeActive && _oLeft == 0;

    public bool WFire { get; private set; }

    public bool XFire { get; private set; }

    public bool OFire { get; private set; }

    /// <summary>token_done_o: the last write of an output was acknowledged.</summary>
    public bool AckLast { get; private set; }

    /// <summary>decode_done_o: the last output of the decode was acknowledged.</summary>
    public bool AllDone { get; private set; }

    /// <summary>load_done_o: the last weights were taken.</summary>
    public bool LoadDone { get; private set; }

    public bool Fetching { get; private set; }

    public bool Writing { get; private set; }

    /// <summary>The combinational part of the cycle. <paramref name="rspValid"/>: a response for this DMA arrives.</summary>
    public void Comb(bool reqReady, bool rspValid, bool wReady, bool xReady, bool oValid)
    {
        _reqFree = !ReqValid || reqReady;
        var credit = _tags.Count != _maxOut;
        var wantWrite = _oLeft != 0;
        var wantWeight = _loadActive && _wIssued != _wWords && _wPending != _maxOut;
        var wantToken = _decodeActive && !_xFull && _xIssue != _xWords && _fetched != _tokens;
        // Writes first, then weights, then tokens.
        _issue = !_reqFree || !credit ? null : wantWrite ? Tag.Write : wantWeight ? Tag.Weight : wantToken ? Tag.Token : null;
        _rsp = rspValid ? _tags.Peek() : null;
        WFire = _curValid && wReady;
        _wLast = _elem == _writesPerWord - 1;
        _pop = _wfifoCnt != 0 && (!_curValid || (WFire && _wLast));
        XFire = _xFull && xReady;
        OFire = oValid && OReady;
        AckLast = _rsp == Tag.Write && _acks == _oWords - 1;
        AllDone = AckLast && _written + 1 == _tokens;
        LoadDone = WFire && _wLeft == 1;
        Fetching = _decodeActive && !_xFull && _fetched != _tokens;
        Writing = _oLeft != 0 || _wrOut != 0;
    }

    /// <summary>The clock edge; the command inputs are al_controller's registered outputs of this cycle.</summary>
    public void Edge(bool loadStart, uint wBase, bool decodeStart, uint xBase, uint oBase, int tokens)
    {
        ReqValid = _reqFree ? _issue is not null : ReqValid;
        if (_issue is { } issue)
        {
            (_reqWe, _reqAddr) = (issue == Tag.Write, issue switch { Tag.Write => _oAddr, Tag.Weight => _wAddr, _ => _xAddr });
            _tags.Enqueue(issue);
        }

        if (_rsp is not null)
        {
            _tags.Dequeue();
        }

        if (loadStart)
        {
            (_loadActive, _wIssued, _wLeft, _wAddr) = (true, 0, _writes, wBase);
        }
        else
        {
            _wIssued += _issue == Tag.Weight ? 1 : 0;
            _wAddr += _issue == Tag.Weight ? (uint)_busBytes : 0;
            _wLeft -= WFire ? 1 : 0;
            _loadActive &= !(WFire && _wLeft == 0);
        }

        _wPending += (_issue == Tag.Weight ? 1 : 0) - (_pop ? 1 : 0);
        _wfifoCnt += (_rsp == Tag.Weight ? 1 : 0) - (_pop ? 1 : 0);
        // The weight register: a word popped from the FIFO, or the next write of the word it holds.
        (_curValid, _elem) = _pop ? (true, 0) : WFire ? (!_wLast, _elem + 1) : (_curValid, _elem);

        if (decodeStart)
        {
            (_decodeActive, _tokens, _fetched, _written) = (true, tokens, 0, 0);
            (_xIssue, _xRx, _xFull, _acks) = (0, 0, false, 0);
            (_xAddr, _oAddr) = (xBase, oBase);
        }
        else
        {
            if (XFire)
            {
                (_xFull, _xIssue, _xRx) = (false, 0, 0);
                _fetched++;
            }
            else
            {
                _xIssue += _issue == Tag.Token ? 1 : 0;
                _xFull |= _rsp == Tag.Token && _xRx == _xWords - 1;
                _xRx += _rsp == Tag.Token ? 1 : 0;
            }

            _xAddr += _issue == Tag.Token ? (uint)_busBytes : 0;
            _oAddr += _issue == Tag.Write ? (uint)_busBytes : 0;
            if (_rsp == Tag.Write)
            {
                _acks = AckLast ? 0 : _acks + 1;
                _written += AckLast ? 1 : 0;
                _decodeActive &= !AllDone;
            }
        }

        _oLeft = OFire ? _oWords : _oLeft - (_issue == Tag.Write ? 1 : 0);
        _wrOut += (_issue == Tag.Write ? 1 : 0) - (_rsp == Tag.Write ? 1 : 0);
    }
}
