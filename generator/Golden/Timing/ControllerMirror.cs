using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Timing;

/// <summary>What al_controller sees of the machine it runs in one cycle (its inputs besides the CSR port).</summary>
public readonly record struct ControllerInputs(bool LoadDone, bool TokenDone, bool DecodeDone, int SeqLen, bool Fetching,
    bool QkvBusy, bool ScoreBusy, bool SoftmaxBusy, bool ContextBusy, bool Writing);

/// <summary>
/// Cycle mirror of <c>al_controller</c>: the CSR port, the command checks, STATUS and ERROR, the counters.
/// Its outputs to the DMA and the caches (<see cref="LoadStart"/>, <see cref="DecodeStart"/>, <see cref="Clear"/>,
/// the bases and <see cref="TokensReg"/>) are registers: read them before <see cref="Edge"/>.
/// </summary>
/// <remarks>With <paramref name="weightsLoaded"/> it starts as if a LOAD had finished before the first cycle (the timing of a decode without its load).</remarks>
public sealed class ControllerMirror(AttentionConfig config, bool weightsLoaded = false)
{
    private readonly int _maxSeq = config.Model.MaxSeqLen;
    private readonly uint _alignMask = (uint)(config.Bus.DataWidth / 8 - 1);
    private readonly uint _configHash = ConfigHash.Register(config);

    // TOKENS, W_BASE, X_BASE, O_BASE; CYC_FETCH, CYC_QKV, CYC_SCORE, CYC_SOFTMAX, CYC_CONTEXT, CYC_WRITE: consecutive
    // registers, in these orders.
    private readonly uint[] _settings = new uint[4], _stageCycles = new uint[6];

    private Mode _mode;
    private bool _done, _weights = weightsLoaded;
    private uint _error, _rdata;
    private uint _cycles, _tokensDone, _tokenCycles, _interval;

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

    public uint TokensReg => _settings[0];

    public uint WBase => _settings[1];

    public uint XBase => _settings[2];

    public uint OBase => _settings[3];

    /// <summary>csr_rdata_o: the data of the read taken in the cycle before.</summary>
    public uint RData => _rdata;

    /// <summary>irq_o = DONE or ERROR.</summary>
    public bool Irq => _done || _error != 0;

    public void Comb(bool csrValid, bool csrWe, int csrAddr, uint csrData, in ControllerInputs inputs)
    {
        _in = inputs;
        // The offset's low bits select bytes within a register, which is always read or written whole (as in the RTL).
        csrAddr &= CsrMap.OffsetMask;
        _busy = _mode != Mode.Idle;
        var wrCsr = csrValid && csrWe;
        _rdCsr = csrValid && !csrWe;
        (_csrAddr, _csrData) = (csrAddr, csrData);
        var cmdWr = wrCsr && csrAddr == CsrMap.Ctrl;
        var seqLen = Clear ? 0 : inputs.SeqLen;
        _cfgWr = wrCsr && csrAddr is >= CsrMap.Tokens and <= CsrMap.OBase;
        (_nextMode, _nextDone, _nextWeights, _nextError) = (_mode, _done, _weights, _error);
        // Writing 1 to STATUS.DONE clears it; ERROR is write-1-to-clear; a configuration write while busy is refused.
        _nextDone &= !(wrCsr && csrAddr == CsrMap.Status && (csrData & CsrMap.StatusDone) != 0);
        _nextError &= ~(wrCsr && csrAddr == CsrMap.Error ? csrData & CsrMap.ErrorMask : 0);
        _nextError |= _cfgWr && _busy ? CsrMap.ErrBusy : 0;
        // LOAD ends when the weights are in (and sets WEIGHTS), DECODE when its last output is written.
        var finished = _mode == Mode.Load ? inputs.LoadDone : _mode == Mode.Decode && inputs.DecodeDone;
        _nextWeights |= finished && _mode == Mode.Load;
        if (finished)
        {
            (_nextMode, _nextDone) = (Mode.Idle, true);
        }

        // A command written to CTRL is refused (its ERROR bit) or accepted: LOAD and a DECODE of tokens start, CLEAR and a
        // DECODE of no tokens are done at once.
        var refusal = cmdWr ? Refusal(csrData, seqLen) : 0;
        _nextError |= refusal;
        _accept = cmdWr && refusal == 0;
        _loadStart = _accept && csrData == CsrMap.CtrlLoad;
        _decodeStart = _accept && csrData == CsrMap.CtrlDecode && TokensReg != 0;
        _clearNext = _accept && csrData == CsrMap.CtrlClear;
        if (_accept)
        {
            (_nextMode, _nextDone) = (_loadStart ? Mode.Load : _decodeStart ? Mode.Decode : Mode.Idle, !_loadStart && !_decodeStart);
        }
    }

    /// <summary>The ERROR bit a command written to CTRL sets (the first check that fails, in the RTL's order), or 0 if it is accepted.</summary>
    private uint Refusal(uint command, int seqLen) => command switch
    {
        not (CsrMap.CtrlLoad or CsrMap.CtrlDecode or CsrMap.CtrlClear) => CsrMap.ErrCommand,
        _ when _busy => CsrMap.ErrBusy,
        CsrMap.CtrlLoad when (WBase & _alignMask) != 0 => CsrMap.ErrAlign,
        CsrMap.CtrlDecode when !_weights => CsrMap.ErrNoWeights,
        CsrMap.CtrlDecode when (ulong)seqLen + TokensReg > (ulong)_maxSeq => CsrMap.ErrOverflow,
        CsrMap.CtrlDecode when ((XBase | OBase) & _alignMask) != 0 => CsrMap.ErrAlign,
        _ => 0,
    };

    public void Edge()
    {
        var rdata = _rdCsr ? ReadRegister(_csrAddr) : 0u;
        var decoding = _mode == Mode.Decode;
        if (_accept)
        {
            _cycles = _tokensDone = _tokenCycles = _interval = 0;
            Array.Clear(_stageCycles);
        }
        else if (_busy)
        {
            _cycles++;
            if (decoding)
            {
                ReadOnlySpan<bool> busy = [_in.Fetching, _in.QkvBusy, _in.ScoreBusy, _in.SoftmaxBusy, _in.ContextBusy, _in.Writing];
                for (var i = 0; i < busy.Length; i++)
                {
                    _stageCycles[i] += busy[i] ? 1u : 0;
                }

                _tokensDone += _in.TokenDone ? 1u : 0;
                _tokenCycles = _in.TokenDone ? _interval + 1 : _tokenCycles;
                _interval = _in.TokenDone ? 0 : _interval + 1;
            }
        }

        if (_cfgWr && !_busy)
        {
            _settings[(_csrAddr - CsrMap.Tokens) / 4] = _csrData;
        }

        (_mode, _done, _weights, _error) = (_nextMode, _nextDone, _nextWeights, _nextError);
        (LoadStart, DecodeStart, Clear, _rdata) = (_loadStart, _decodeStart, _clearNext, rdata);
    }

    private uint ReadRegister(int offset) => offset switch
    {
        CsrMap.Status => (_mode != Mode.Idle ? CsrMap.StatusBusy : 0) | (_done ? CsrMap.StatusDone : 0)
            | (_error != 0 ? CsrMap.StatusError : 0) | (_weights ? CsrMap.StatusWeights : 0),
        CsrMap.Error => _error,
        >= CsrMap.Tokens and <= CsrMap.OBase => _settings[(offset - CsrMap.Tokens) / 4],
        CsrMap.SeqLen => Clear ? 0u : (uint)_in.SeqLen,
        CsrMap.Cycles => _cycles,
        CsrMap.TokensDone => _tokensDone,
        CsrMap.TokenCycles => _tokenCycles,
        >= CsrMap.CycFetch and <= CsrMap.CycWrite => _stageCycles[(offset - CsrMap.CycFetch) / 4],
        CsrMap.Id => CsrMap.IdValue,
        CsrMap.ConfigHash => _configHash,
        CsrMap.MaxSeqLen => (uint)_maxSeq,
        _ => 0,
    };
}
