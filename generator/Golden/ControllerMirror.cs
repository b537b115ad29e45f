using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>What al_controller sees of the machine it runs in one cycle (its inputs besides the CSR port).</summary>
public readonly record struct ControllerInputs(bool LoadDone, bool TokenDone, bool DecodeDone, int SeqLen, bool Fetching,
    bool QkvBusy, bool ScoreBusy, bool SoftmaxBusy, bool ContextBusy, bool Writing);

/// <summary>
/// Cycle mirror of <c>al_controller</c>: the CSR port, the command checks, STATUS and ERROR, the counters.
/// Its outputs to the DMA and the caches (<see cref="LoadStart"/>, <see cref="DecodeStart"/>, <see cref="Clear"/>,
/// the bases and <see cref="TokensReg"/>) are registers: read them before <see cref="Edge"/>.
/// </summary>
public sealed class ControllerMirror(AttentionConfig config)
{
    private readonly int _maxSeq = config.Model.MaxSeqLen;
    private readonly uint _alignMask = (uint)(config.Bus.DataWidth / 8 - 1);
    private readonly uint _configHash = Rendering.GeneratorInfo.ConfigHash32(config);

    private Mode _mode;
    private bool _done, _weights;
    private uint _error, _rdata;
    private uint _cycles, _tokensDone, _tokenCycles, _interval, _cycFetch, _cycQkv, _cycScore, _cycSoftmax, _cycContext, _cycWrite;

    // Combinational results of this cycle.
    private Mode _nextMode;
    private bool _nextDone, _nextWeights, _loadStart, _decodeStart, _clearNext, _accept, _busy, _rdCsr, _cfgWr;
    private uint _nextError, _csrData;
    private int _csrAddr;
    private ControllerInputs _in;

    private enum Mode { Idle, Load, Decode }

    public bool LoadStart { get; private set; }

    public bool DecodeStart { get; private set; }

    /// <summary>clear_o: empties the caches (the cycle after an accepted CLEAR).</summary>
    public bool Clear { get; private set; }

    public uint WBase { get; private set; }

    public uint XBase { get; private set; }

    public uint OBase { get; private set; }

    public uint TokensReg { get; private set; }

    /// <summary>csr_rdata_o: the data of the read taken in the cycle before.</summary>
    public uint RData => _rdata;

    /// <summary>irq_o = DONE or ERROR.</summary>
    public bool Irq => _done || _error != 0;

    /// <summary>Starts as if a LOAD had finished before the first cycle (the timing of a decode without its load).</summary>
    public void AssumeWeightsLoaded() => _weights = true;

    public void Comb(bool csrValid, bool csrWe, int csrAddr, uint csrData, in ControllerInputs inputs)
    {
        _in = inputs;
        // The offset's low bits select bytes within a register, which is always read or written whole (as in the RTL).
        csrAddr &= CsrMap.OffsetMask;
        _busy = _mode != Mode.Idle;
        var wrCsr = csrValid && csrWe;
        _rdCsr = csrValid && !csrWe;
        (_csrAddr, _csrData) = (csrAddr, csrData);
        var cmdWr = wrCsr && csrAddr == HeadRegisters.Ctrl;
        var seqLen = Clear ? 0 : inputs.SeqLen;
        _cfgWr = wrCsr && csrAddr is HeadRegisters.Tokens or HeadRegisters.WBase or HeadRegisters.XBase or HeadRegisters.OBase;
        (_nextMode, _nextDone, _nextWeights, _nextError) = (_mode, _done, _weights, _error);
        (_loadStart, _decodeStart, _clearNext, _accept) = (false, false, false, false);
        if (wrCsr && csrAddr == HeadRegisters.Status && (csrData & HeadRegisters.StatusDone) != 0)
        {
            _nextDone = false;
        }

        if (wrCsr && csrAddr == HeadRegisters.Error)
        {
            _nextError &= ~(csrData & CsrMap.ErrorMask);
        }

        if (_cfgWr && _busy)
        {
            _nextError |= HeadRegisters.ErrBusy;
        }

        if (_mode == Mode.Load && inputs.LoadDone)
        {
            (_nextMode, _nextDone, _nextWeights) = (Mode.Idle, true, true);
        }

        if (_mode == Mode.Decode && inputs.DecodeDone)
        {
            (_nextMode, _nextDone) = (Mode.Idle, true);
        }

        if (!cmdWr)
        {
            return;
        }

        if (csrData is not (CsrMap.CtrlLoad or CsrMap.CtrlDecode or CsrMap.CtrlClear))
        {
            _nextError |= HeadRegisters.ErrCommand;
        }
        else if (_busy)
        {
            _nextError |= HeadRegisters.ErrBusy;
        }
        else if (csrData == CsrMap.CtrlLoad)
        {
            if ((WBase & _alignMask) != 0)
            {
                _nextError |= HeadRegisters.ErrAlign;
            }
            else
            {
                (_nextMode, _nextDone, _loadStart, _accept) = (Mode.Load, false, true, true);
            }
        }
        else if (csrData == CsrMap.CtrlDecode)
        {
            if (!_weights)
            {
                _nextError |= HeadRegisters.ErrNoWeights;
            }
            else if ((ulong)seqLen + TokensReg > (ulong)_maxSeq)
            {
                _nextError |= HeadRegisters.ErrOverflow;
            }
            else if (((XBase | OBase) & _alignMask) != 0)
            {
                _nextError |= HeadRegisters.ErrAlign;
            }
            else if (TokensReg == 0)
            {
                (_nextDone, _accept) = (true, true);
            }
            else
            {
                (_nextMode, _nextDone, _decodeStart, _accept) = (Mode.Decode, false, true, true);
            }
        }
        else
        {
            (_clearNext, _nextDone, _accept) = (true, true, true);
        }
    }

    public void Edge()
    {
        var rdata = _rdCsr ? ReadRegister(_csrAddr) : 0u;
        var decoding = _mode == Mode.Decode;
        if (_accept)
        {
            _cycles = _tokensDone = _tokenCycles = _interval = 0;
            _cycFetch = _cycQkv = _cycScore = _cycSoftmax = _cycContext = _cycWrite = 0;
        }
        else if (_busy)
        {
            _cycles++;
            if (decoding)
            {
                _cycFetch += _in.Fetching ? 1u : 0;
                _cycQkv += _in.QkvBusy ? 1u : 0;
                _cycScore += _in.ScoreBusy ? 1u : 0;
                _cycSoftmax += _in.SoftmaxBusy ? 1u : 0;
                _cycContext += _in.ContextBusy ? 1u : 0;
                _cycWrite += _in.Writing ? 1u : 0;
                if (_in.TokenDone)
                {
                    _tokensDone++;
                    _tokenCycles = _interval + 1;
                    _interval = 0;
                }
                else
                {
                    _interval++;
                }
            }
        }

        if (_cfgWr && !_busy)
        {
            switch (_csrAddr)
            {
                case HeadRegisters.Tokens: TokensReg = _csrData; break;
                case HeadRegisters.WBase: WBase = _csrData; break;
                case HeadRegisters.XBase: XBase = _csrData; break;
                case HeadRegisters.OBase: OBase = _csrData; break;
            }
        }

        (_mode, _done, _weights, _error) = (_nextMode, _nextDone, _nextWeights, _nextError);
        (LoadStart, DecodeStart, Clear, _rdata) = (_loadStart, _decodeStart, _clearNext, rdata);
    }

    private uint ReadRegister(int offset) => offset switch
    {
        HeadRegisters.Status => (_mode != Mode.Idle ? CsrMap.StatusBusy : 0) | (_done ? CsrMap.StatusDone : 0)
            | (_error != 0 ? CsrMap.StatusError : 0) | (_weights ? CsrMap.StatusWeights : 0),
        HeadRegisters.Error => _error,
        HeadRegisters.Tokens => TokensReg,
        HeadRegisters.WBase => WBase,
        HeadRegisters.XBase => XBase,
        HeadRegisters.OBase => OBase,
        HeadRegisters.SeqLen => Clear ? 0u : (uint)_in.SeqLen,
        HeadRegisters.Cycles => _cycles,
        HeadRegisters.TokensDone => _tokensDone,
        HeadRegisters.TokenCycles => _tokenCycles,
        HeadRegisters.CycFetch => _cycFetch,
        HeadRegisters.CycQkv => _cycQkv,
        HeadRegisters.CycScore => _cycScore,
        HeadRegisters.CycSoftmax => _cycSoftmax,
        HeadRegisters.CycContext => _cycContext,
        HeadRegisters.CycWrite => _cycWrite,
        HeadRegisters.Id => HeadRegisters.IdValue,
        HeadRegisters.ConfigHash => _configHash,
        HeadRegisters.MaxSeqLen => (uint)_maxSeq,
        _ => 0,
    };
}
