using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden;

/// <summary>One step of the command list a bench (or software) plays on the head's CSR port.</summary>
public abstract record HeadCommand
{
    public sealed record Write(int Offset, uint Value) : HeadCommand;

    public sealed record Read(int Offset) : HeadCommand;

    /// <summary>Wait until irq_o is high (the command finished or was refused).</summary>
    public sealed record WaitIrq : HeadCommand;

    public sealed record Idle(int Cycles) : HeadCommand;
}

/// <summary>The head's control/status registers (docs/ARCHITECTURE.md, "Registers").</summary>
public static class HeadRegisters
{
    public const int Ctrl = 0x00, Status = 0x04, Error = 0x08, Tokens = 0x0c, WBase = 0x10, XBase = 0x14, OBase = 0x18;
    public const int SeqLen = 0x1c, Cycles = 0x20, TokensDone = 0x24, TokenCycles = 0x28, CycFetch = 0x2c, CycQkv = 0x30;
    public const int CycScore = 0x34, CycSoftmax = 0x38, CycContext = 0x3c, CycWrite = 0x40, Id = 0x44, ConfigHash = 0x48;
    public const int MaxSeqLen = 0x4c;

    public const uint CtrlLoad = 1, CtrlDecode = 2, CtrlClear = 4;
    public const uint StatusBusy = 1, StatusDone = 2, StatusError = 4, StatusWeights = 8;
    public const uint ErrBusy = 1, ErrNoWeights = 2, ErrOverflow = 4, ErrAlign = 8, ErrCommand = 16;
    public const uint IdValue = 0x414c4731;

    /// <summary>Every readable register with its name, in offset order.</summary>
    public static IReadOnlyList<(int Offset, string Name)> All { get; } =
    [
        (Ctrl, "CTRL"), (Status, "STATUS"), (Error, "ERROR"), (Tokens, "TOKENS"), (WBase, "W_BASE"), (XBase, "X_BASE"),
        (OBase, "O_BASE"), (SeqLen, "SEQ_LEN"), (Cycles, "CYCLES"), (TokensDone, "TOKENS_DONE"), (TokenCycles, "TOKEN_CYCLES"),
        (CycFetch, "CYC_FETCH"), (CycQkv, "CYC_QKV"), (CycScore, "CYC_SCORE"), (CycSoftmax, "CYC_SOFTMAX"),
        (CycContext, "CYC_CONTEXT"), (CycWrite, "CYC_WRITE"), (Id, "ID"), (ConfigHash, "CONFIG_HASH"), (MaxSeqLen, "MAX_SEQ_LEN"),
    ];

    public static string Name(int offset) => All.FirstOrDefault(r => r.Offset == offset).Name ?? $"0x{offset:x2}";

    /// <summary>Counters that depend on memory timing (they differ when the memory stalls).</summary>
    public static bool DependsOnMemory(int offset) =>
        offset is Cycles or TokenCycles or CycFetch or CycWrite;
}

public enum HeadEventKind
{
    /// <summary>q, k, v of a token taken from al_qkv by the fork.</summary>
    Projection,

    /// <summary>A token's scores taken by the softmax.</summary>
    Scores,

    /// <summary>A token's probabilities taken by the context stage.</summary>
    Probabilities,

    /// <summary>A token's output taken by the DMA.</summary>
    Output,

    /// <summary>A write request taken by the memory (Value = address).</summary>
    MemWrite,

    /// <summary>A CSR read's response (Value = read data).</summary>
    CsrRead,
}

/// <summary>Something the head does, in the cycle it happens; <see cref="Index"/> counts events of its kind from 0.</summary>
public sealed record HeadEvent(long Cycle, HeadEventKind Kind, int Index, long Value, int Offset = 0);

/// <summary>
/// The cycle-exact timing model of <c>al_top</c> (al_controller, al_dma, the fork, and each stage's handshake timing
/// from <see cref="CycleModel"/>), driven by the bench's CSR command player and a memory that answers every request
/// exactly <c>memoryLatency</c> cycles after taking it and never stalls. Every register of the RTL's control path has
/// its mirror here, updated in the same order; the values flowing through the datapath are
/// <see cref="AttentionHead"/>'s business. With a stalling memory only the order of events and the stall-independent
/// counters are predicted (<see cref="HeadRegisters.DependsOnMemory"/>).
/// </summary>
public sealed class HeadTiming
{
    private readonly AttentionConfig _c;
    private readonly int _latency;
    private readonly int _xWords, _oWords, _perWord, _wWords, _weights, _busBytes, _maxOut, _dHead, _maxSeq;
    private readonly uint _alignMask, _configHash;

    public HeadTiming(AttentionConfig config, int memoryLatency)
    {
        if (memoryLatency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(memoryLatency), "the memory answers at least one cycle after a request");
        }

        _c = config;
        _latency = memoryLatency;
        var bus = config.Bus.DataWidth;
        _xWords = config.Model.DModel * config.Format.DataWidth / bus;
        _oWords = config.Model.DHead * config.Format.DataWidth / bus;
        _perWord = bus / config.Format.WeightWidth;
        _weights = 3 * config.Model.DModel * config.Model.DHead;
        _wWords = _weights / _perWord;
        _busBytes = bus / 8;
        _maxOut = config.Bus.MaxOutstanding;
        _dHead = config.Model.DHead;
        _maxSeq = config.Model.MaxSeqLen;
        _alignMask = (uint)(_busBytes - 1);
        _configHash = Rendering.GeneratorInfo.ConfigHash32(config);
    }

    /// <summary>Runs the commands from the first cycle out of reset until they are done and the memory is quiet.</summary>
    public IReadOnlyList<HeadEvent> Run(IReadOnlyList<HeadCommand> commands, long cycleBudget = 100_000_000)
    {
        var s = new State();
        var events = new List<HeadEvent>();
        var counts = new int[Enum.GetValues<HeadEventKind>().Length];
        void Emit(long cycle, HeadEventKind kind, long value, int offset = 0) =>
            events.Add(new HeadEvent(cycle, kind, counts[(int)kind]++, value, offset));

        var cmdIndex = 0;
        for (long cyc = 0; ; cyc++)
        {
            if (cyc > cycleBudget)
            {
                throw new InvalidOperationException($"the head timing model ran past {cycleBudget} cycles: the commands never finish");
            }

            var cmd = cmdIndex < commands.Count ? commands[cmdIndex] : null;
            var rspValid = s.MemQueue.Count > 0 && s.MemQueue.Peek() <= cyc;
            var scoreCount = s.ScoreCount;
            if (cmd is null && s.MemQueue.Count == 0 && !s.ReqValid)
            {
                return events;
            }

            // ---- Combinational: the bench's CSR driver. ----
            var csrValid = cmd is HeadCommand.Write or HeadCommand.Read && !s.CsrPhase;
            var csrWe = cmd is HeadCommand.Write;
            var csrAddr = cmd switch { HeadCommand.Write w => w.Offset & 0xfc, HeadCommand.Read r => r.Offset & 0xfc, _ => 0 };
            var csrData = cmd is HeadCommand.Write wr ? wr.Value : 0u;

            // ---- Combinational: the stages. ----
            var qkvValid = s.QkvBusy && cyc >= s.QkvValidAt;
            var xReady = !s.QkvBusy;
            var kValid = qkvValid && !s.KSent;
            var vValid = qkvValid && !s.VSent;
            var qValid = qkvValid && s.KSent && !s.QSent;
            var clear = s.ClearQ;
            var scoreIdle = s.ScoreWriteLeft == 0 && !s.ScoreBusy;
            var kReady = scoreIdle && s.ScoreCount != _maxSeq && !clear;
            var qReady = scoreIdle && !kValid && !clear;
            var sValid = s.ScoreBusy && cyc >= s.ScoreValidAt;
            var sReady = !s.SmBusy;
            var pValid = s.SmBusy && cyc >= s.SmValidAt;
            var ctxIdle = s.CtxWriteLeft == 0 && !s.CtxBusy;
            var vReady = ctxIdle && s.CtxCount != _maxSeq && !clear;
            var pReady = ctxIdle && !vValid && !clear;
            var oValid = s.CtxBusy && cyc >= s.CtxValidAt;
            var kFire = kValid && kReady;
            var qFire = qValid && qReady;
            var vFire = vValid && vReady;
            var sFire = sValid && sReady;
            var pFire = pValid && pReady;
            var qkvReady = (s.QSent || qFire) && (s.VSent || vFire);
            var qkvFire = qkvValid && qkvReady;

            // ---- Combinational: the DMA. ----
            var credit = s.OutCnt != _maxOut;
            var wantWrite = s.OLeft != 0;
            var wantWeight = s.LoadActive && s.WIssued != _wWords && s.WPending != _maxOut;
            var wantToken = s.DecodeActive && !s.XFull && s.XIssue != _xWords && s.Fetched != s.Tokens;
            // This memory never stalls, so the request register always moves on (req_free is always high).
            var loadReq = credit && (wantWrite || wantWeight || wantToken);
            var pickWrite = wantWrite;
            var pickWeight = !wantWrite && wantWeight;
            var issueWrite = loadReq && pickWrite;
            var issueWeight = loadReq && pickWeight;
            var issueToken = loadReq && !pickWrite && !pickWeight;
            var rspTag = s.Tags.Count > 0 ? s.Tags.Peek() : Tag.Write;
            var rspWrite = rspValid && rspTag == Tag.Write;
            var rspWeight = rspValid && rspTag == Tag.Weight;
            var rspToken = rspValid && rspTag == Tag.Token;
            var wFire = s.CurValid && xReady; // al_qkv takes weights while idle
            var wLast = s.Elem == _perWord - 1;
            var pop = s.WfifoCnt != 0 && (!s.CurValid || (wFire && wLast));
            var xFire = s.XFull && xReady;
            var oReady = s.DecodeActive && s.OLeft == 0;
            var oFire = oValid && oReady;
            var ackLast = rspWrite && s.Acks == _oWords - 1;
            var allDone = ackLast && s.Written + 1 == s.Tokens;
            var loadDone = wFire && s.WLeft == 1;
            var fetching = s.DecodeActive && !s.XFull && s.Fetched != s.Tokens;
            var writing = s.OLeft != 0 || s.WrOut != 0;

            // ---- Combinational: the controller. ----
            var busy = s.Mode != Mode.Idle;
            var wrCsr = csrValid && csrWe;
            var rdCsr = csrValid && !csrWe;
            var cmdWr = wrCsr && csrAddr == HeadRegisters.Ctrl;
            var seqLen = s.ClearQ ? 0 : s.ScoreCount;
            var cfgWr = wrCsr && csrAddr is HeadRegisters.Tokens or HeadRegisters.WBase or HeadRegisters.XBase or HeadRegisters.OBase;
            var mode = s.Mode;
            var done = s.Done;
            var weights = s.Weights;
            var error = s.Error;
            bool loadStart = false, decodeStart = false, clearNext = false, accept = false;
            if (wrCsr && csrAddr == HeadRegisters.Status && (csrData & HeadRegisters.StatusDone) != 0)
            {
                done = false;
            }

            if (wrCsr && csrAddr == HeadRegisters.Error)
            {
                error &= ~(csrData & 31);
            }

            if (cfgWr && busy)
            {
                error |= HeadRegisters.ErrBusy;
            }

            if (s.Mode == Mode.Load && loadDone)
            {
                (mode, done, weights) = (Mode.Idle, true, true);
            }

            if (s.Mode == Mode.Decode && allDone)
            {
                (mode, done) = (Mode.Idle, true);
            }

            if (cmdWr)
            {
                var bits = csrData;
                if (bits is not (1 or 2 or 4))
                {
                    error |= HeadRegisters.ErrCommand;
                }
                else if (busy)
                {
                    error |= HeadRegisters.ErrBusy;
                }
                else if (bits == 1)
                {
                    if ((s.WBase & _alignMask) != 0)
                    {
                        error |= HeadRegisters.ErrAlign;
                    }
                    else
                    {
                        (mode, done, loadStart, accept) = (Mode.Load, false, true, true);
                    }
                }
                else if (bits == 2)
                {
                    if (!s.Weights)
                    {
                        error |= HeadRegisters.ErrNoWeights;
                    }
                    else if ((ulong)seqLen + s.TokensReg > (ulong)_maxSeq)
                    {
                        error |= HeadRegisters.ErrOverflow;
                    }
                    else if (((s.XBase | s.OBase) & _alignMask) != 0)
                    {
                        error |= HeadRegisters.ErrAlign;
                    }
                    else if (s.TokensReg == 0)
                    {
                        (done, accept) = (true, true);
                    }
                    else
                    {
                        (mode, done, decodeStart, accept) = (Mode.Decode, false, true, true);
                    }
                }
                else
                {
                    (clearNext, done, accept) = (true, true, true);
                }
            }

            var irq = s.Done || s.Error != 0;

            // ---- Events of this cycle. ----
            if (qkvFire)
            {
                Emit(cyc, HeadEventKind.Projection, 0);
            }

            if (sFire)
            {
                Emit(cyc, HeadEventKind.Scores, s.ScoreCount);
            }

            if (pFire)
            {
                Emit(cyc, HeadEventKind.Probabilities, 0);
            }

            if (oFire)
            {
                Emit(cyc, HeadEventKind.Output, 0);
            }

            if (s.ReqValid && s.ReqWe)
            {
                Emit(cyc, HeadEventKind.MemWrite, s.ReqAddr);
            }

            if (s.CsrPhase && cmd is HeadCommand.Read read)
            {
                Emit(cyc, HeadEventKind.CsrRead, s.RData, read.Offset & 0xfc);
            }

            // ---- Clock edge: the bench. ----
            var advance = false;
            if (cmd is HeadCommand.Write or HeadCommand.Read)
            {
                if (!s.CsrPhase)
                {
                    s.CsrPhase = true;
                }
                else
                {
                    s.CsrPhase = false;
                    advance = true;
                }
            }
            else if (cmd is HeadCommand.WaitIrq)
            {
                advance = irq;
            }
            else if (cmd is HeadCommand.Idle idle)
            {
                if (idle.Cycles - s.IdleDone <= 1)
                {
                    advance = true;
                }
                else
                {
                    s.IdleDone++;
                }
            }

            if (advance)
            {
                cmdIndex++;
                s.IdleDone = 0;
            }

            // ---- Clock edge: memory. ----
            if (s.ReqValid)
            {
                s.MemQueue.Enqueue(Math.Max(cyc + _latency, s.LastDue));
                s.LastDue = Math.Max(cyc + _latency, s.LastDue);
            }

            if (rspValid)
            {
                s.MemQueue.Dequeue();
            }

            // ---- Clock edge: the controller. ----
            var rdata = rdCsr ? ReadRegister(s, csrAddr) : 0u;
            var decoding = s.Mode == Mode.Decode;
            if (accept)
            {
                s.Cycles = s.TokensDone = s.TokenCycles = s.Interval = 0;
                s.CycFetch = s.CycQkv = s.CycScore = s.CycSoftmax = s.CycContext = s.CycWrite = 0;
            }
            else if (busy)
            {
                s.Cycles++;
                if (decoding)
                {
                    s.CycFetch += fetching ? 1u : 0;
                    s.CycQkv += s.QkvBusy && !qkvValid ? 1u : 0;
                    s.CycScore += !scoreIdle && !sValid ? 1u : 0;
                    s.CycSoftmax += s.SmBusy && !pValid ? 1u : 0;
                    s.CycContext += !ctxIdle && !oValid ? 1u : 0;
                    s.CycWrite += writing ? 1u : 0;
                    if (ackLast)
                    {
                        s.TokensDone++;
                        s.TokenCycles = s.Interval + 1;
                        s.Interval = 0;
                    }
                    else
                    {
                        s.Interval++;
                    }
                }
            }

            if (cfgWr && !busy)
            {
                switch (csrAddr)
                {
                    case HeadRegisters.Tokens: s.TokensReg = csrData; break;
                    case HeadRegisters.WBase: s.WBase = csrData; break;
                    case HeadRegisters.XBase: s.XBase = csrData; break;
                    case HeadRegisters.OBase: s.OBase = csrData; break;
                }
            }

            var dmaLoadStart = s.LoadStartQ;
            var dmaDecodeStart = s.DecodeStartQ;
            (s.Mode, s.Done, s.Weights, s.Error) = (mode, done, weights, error);
            (s.LoadStartQ, s.DecodeStartQ, s.ClearQ, s.RData) = (loadStart, decodeStart, clearNext, rdata);

            // ---- Clock edge: the DMA. ----
            s.ReqValid = loadReq;

            if (loadReq)
            {
                s.ReqWe = pickWrite;
                s.ReqAddr = pickWrite ? s.OAddr : pickWeight ? s.WAddr : s.XAddr;
                s.Tags.Enqueue(pickWrite ? Tag.Write : pickWeight ? Tag.Weight : Tag.Token);
                s.OutCnt++;
            }

            if (rspValid)
            {
                s.Tags.Dequeue();
                s.OutCnt--;
            }

            if (dmaLoadStart)
            {
                (s.LoadActive, s.WIssued, s.WLeft, s.WAddr) = (true, 0, _weights, s.WBase);
            }
            else
            {
                if (issueWeight)
                {
                    s.WIssued++;
                    s.WAddr += (uint)_busBytes;
                }

                if (wFire)
                {
                    s.WLeft--;
                    if (s.WLeft == 0)
                    {
                        s.LoadActive = false;
                    }
                }
            }

            s.WPending += (issueWeight ? 1 : 0) - (pop ? 1 : 0);
            s.WfifoCnt += (rspWeight ? 1 : 0) - (pop ? 1 : 0);
            if (pop)
            {
                (s.CurValid, s.Elem) = (true, 0);
            }
            else if (wFire)
            {
                (s.CurValid, s.Elem) = (!wLast, s.Elem + 1);
            }

            if (dmaDecodeStart)
            {
                (s.DecodeActive, s.Tokens, s.Fetched, s.Written) = (true, (int)s.TokensReg, 0, 0);
                (s.XIssue, s.XRx, s.XFull, s.Acks) = (0, 0, false, 0);
                (s.XAddr, s.OAddr) = (s.XBase, s.OBase);
            }
            else
            {
                if (xFire)
                {
                    (s.XFull, s.XIssue, s.XRx) = (false, 0, 0);
                    s.Fetched++;
                }
                else
                {
                    if (issueToken)
                    {
                        s.XIssue++;
                    }

                    if (rspToken)
                    {
                        if (s.XRx == _xWords - 1)
                        {
                            s.XFull = true;
                        }

                        s.XRx++;
                    }
                }

                if (issueToken)
                {
                    s.XAddr += (uint)_busBytes;
                }

                if (issueWrite)
                {
                    s.OAddr += (uint)_busBytes;
                }

                if (rspWrite)
                {
                    s.Acks = ackLast ? 0 : s.Acks + 1;
                    if (ackLast)
                    {
                        s.Written++;
                    }

                    if (allDone)
                    {
                        s.DecodeActive = false;
                    }
                }
            }

            if (oFire)
            {
                s.OLeft = _oWords;
            }
            else if (issueWrite)
            {
                s.OLeft--;
            }

            s.WrOut += (issueWrite ? 1 : 0) - (rspWrite ? 1 : 0);

            // ---- Clock edge: the stages and the fork. ----
            if (xFire)
            {
                (s.QkvBusy, s.QkvValidAt) = (true, cyc + CycleModel.QkvLatency(_c));
            }
            else if (qkvFire)
            {
                s.QkvBusy = false;
            }

            if (qkvFire)
            {
                (s.KSent, s.QSent, s.VSent) = (false, false, false);
            }
            else
            {
                s.KSent |= kFire;
                s.QSent |= qFire;
                s.VSent |= vFire;
            }

            StepCache(ref s.ScoreWriteLeft, ref s.ScoreCount, clear && scoreIdle, kFire);
            if (qFire)
            {
                (s.ScoreBusy, s.ScoreValidAt) = (true, cyc + CycleModel.ScoreLatency(_c, scoreCount));
            }
            else if (sFire)
            {
                s.ScoreBusy = false;
            }

            if (sFire)
            {
                (s.SmBusy, s.SmValidAt) = (true, cyc + CycleModel.SoftmaxLatency(_c, Math.Min(scoreCount, _maxSeq)));
            }
            else if (pFire)
            {
                s.SmBusy = false;
            }

            StepCache(ref s.CtxWriteLeft, ref s.CtxCount, clear && ctxIdle, vFire);
            if (pFire)
            {
                (s.CtxBusy, s.CtxValidAt) = (true, cyc + CycleModel.ContextLatency(_c));
            }
            else if (oFire)
            {
                s.CtxBusy = false;
            }

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

    private uint ReadRegister(State s, int offset) => offset switch
    {
        HeadRegisters.Status => (s.Mode != Mode.Idle ? 1u : 0) | (s.Done ? 2u : 0) | (s.Error != 0 ? 4u : 0) | (s.Weights ? 8u : 0),
        HeadRegisters.Error => s.Error,
        HeadRegisters.Tokens => s.TokensReg,
        HeadRegisters.WBase => s.WBase,
        HeadRegisters.XBase => s.XBase,
        HeadRegisters.OBase => s.OBase,
        HeadRegisters.SeqLen => s.ClearQ ? 0u : (uint)s.ScoreCount,
        HeadRegisters.Cycles => s.Cycles,
        HeadRegisters.TokensDone => s.TokensDone,
        HeadRegisters.TokenCycles => s.TokenCycles,
        HeadRegisters.CycFetch => s.CycFetch,
        HeadRegisters.CycQkv => s.CycQkv,
        HeadRegisters.CycScore => s.CycScore,
        HeadRegisters.CycSoftmax => s.CycSoftmax,
        HeadRegisters.CycContext => s.CycContext,
        HeadRegisters.CycWrite => s.CycWrite,
        HeadRegisters.Id => HeadRegisters.IdValue,
        HeadRegisters.ConfigHash => _configHash,
        HeadRegisters.MaxSeqLen => (uint)_maxSeq,
        _ => 0,
    };

    private enum Mode { Idle, Load, Decode }

    private enum Tag { Write, Weight, Token }

    /// <summary>The mirror of every control register of al_top and of the bench's driver and memory.</summary>
    private sealed class State
    {
        // Bench.
        public bool CsrPhase;
        public int IdleDone;
        public readonly Queue<long> MemQueue = new();
        public long LastDue;

        // al_controller.
        public Mode Mode;
        public bool Done, Weights, LoadStartQ, DecodeStartQ, ClearQ;
        public uint Error, TokensReg, WBase, XBase, OBase, RData;
        public uint Cycles, TokensDone, TokenCycles, Interval, CycFetch, CycQkv, CycScore, CycSoftmax, CycContext, CycWrite;

        // al_dma.
        public bool ReqValid, ReqWe;
        public uint ReqAddr;
        public int OutCnt;
        public readonly Queue<Tag> Tags = new();
        public bool LoadActive, CurValid;
        public uint WAddr;
        public int WIssued, WPending, WfifoCnt, Elem, WLeft;
        public bool DecodeActive, XFull;
        public int Tokens, Fetched, Written, XIssue, XRx, OLeft, Acks, WrOut;
        public uint XAddr, OAddr;

        // Stages and fork.
        public bool QkvBusy, KSent, QSent, VSent, ScoreBusy, SmBusy, CtxBusy;
        public long QkvValidAt, ScoreValidAt, SmValidAt, CtxValidAt;
        public int ScoreWriteLeft, ScoreCount, CtxWriteLeft, CtxCount;
    }
}
