namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Co-simulates <c>al_controller</c> in lockstep with <see cref="ControllerMirror"/>: random CSR reads (known, unknown
/// and byte offsets) and writes (legal and illegal commands, given idle and busy; aligned and misaligned bases; token
/// counts past MaxSeqLen; STATUS and ERROR acknowledgements), the DMA's done pulses a random time after each command
/// it starts, and random stage activity and cache fill. Every output is compared in every cycle.
/// </summary>
public sealed class ControllerBench() : LockstepBench("controller", "al_controller")
{
    private const int Cycles = 3000;

    private static int CountWidth(AttentionConfig c) => Clog2(c.Model.MaxSeqLen + 1);

    public override IReadOnlyList<LockstepPort> Inputs(AttentionConfig c) =>
    [
        new("csr_valid_i", 1), new("csr_we_i", 1), new("csr_addr_i", CsrMap.AddressBits), new("csr_wdata_i", 32),
        new("load_done_i", 1), new("token_done_i", 1), new("decode_done_i", 1), new("seq_len_i", CountWidth(c)),
        new("fetch_busy_i", 1), new("qkv_busy_i", 1), new("score_busy_i", 1), new("softmax_busy_i", 1),
        new("context_busy_i", 1), new("write_busy_i", 1),
    ];

    public override IReadOnlyList<LockstepPort> Outputs(AttentionConfig c) =>
    [
        new("csr_ready_o", 1), new("csr_rvalid_o", 1), new("csr_rdata_o", 32), new("irq_o", 1),
        new("load_start_o", 1), new("decode_start_o", 1), new("w_base_o", 32), new("x_base_o", 32), new("o_base_o", 32),
        new("tokens_o", CountWidth(c)), new("clear_o", 1),
    ];

    protected override void Drive(AttentionConfig config, StimulusRandom random, LockstepCycles cycles)
    {
        var mirror = new ControllerMirror(config);
        var maxSeq = config.Model.MaxSeqLen;
        var busBytes = (uint)(config.Bus.DataWidth / 8);
        var tokensMask = (1u << CountWidth(config)) - 1;
        long loadDoneAt = -1, decodeDoneAt = -1;
        var seqLen = 0;
        var rvalid = false;
        for (var cycle = 0L; cycle < Cycles; cycle++)
        {
            // The DMA answers the command the controller gave: done a random time after its start pulse.
            if (mirror.LoadStart)
            {
                loadDoneAt = cycle + 1 + random.Next(40);
            }

            if (mirror.DecodeStart)
            {
                decodeDoneAt = cycle + 1 + random.Next(60);
            }

            if (mirror.Clear)
            {
                seqLen = 0;
            }

            var decoding = decodeDoneAt >= cycle;
            var inputs = new ControllerInputs(
                LoadDone: cycle == loadDoneAt || random.Next(200) == 0,
                TokenDone: cycle == decodeDoneAt || (decoding && random.Next(8) == 0),
                DecodeDone: cycle == decodeDoneAt || random.Next(200) == 0,
                SeqLen: seqLen,
                Fetching: random.Next(2) == 0, QkvBusy: random.Next(2) == 0, ScoreBusy: random.Next(2) == 0,
                SoftmaxBusy: random.Next(2) == 0, ContextBusy: random.Next(2) == 0, Writing: random.Next(2) == 0);
            var (valid, we, addr, data) = Request(random, maxSeq, busBytes);

            cycles.Drive(valid, we, addr, data, inputs.LoadDone, inputs.TokenDone, inputs.DecodeDone, inputs.SeqLen,
                inputs.Fetching, inputs.QkvBusy, inputs.ScoreBusy, inputs.SoftmaxBusy, inputs.ContextBusy, inputs.Writing);
            mirror.Comb(valid, we, addr, data, inputs);
            cycles.Expect(true, rvalid, mirror.RData, mirror.Irq, mirror.LoadStart, mirror.DecodeStart,
                mirror.WBase, mirror.XBase, mirror.OBase, mirror.TokensReg & tokensMask, mirror.Clear);
            mirror.Edge();
            rvalid = valid;

            // The caches fill as tokens are decoded; now and then they are as full as they go.
            if (inputs.TokenDone && seqLen < maxSeq)
            {
                seqLen++;
            }
            else if (random.Next(100) == 0)
            {
                seqLen = random.Next(maxSeq + 1);
            }
        }
    }

    /// <summary>A random CSR request: none, a read (any offset, byte offsets too) or a write of a legal or illegal value.</summary>
    private static (bool Valid, bool We, int Addr, uint Data) Request(StimulusRandom random, int maxSeq, uint busBytes)
    {
        if (random.Next(2) == 0)
        {
            return (false, random.Next(2) == 0, random.Next(256), Word(random));
        }

        var registers = CsrMap.Registers;
        if (random.Next(5) < 2)
        {
            var offset = random.Next(8) == 0 ? random.Next(256) : registers[random.Next(registers.Count)].Offset | random.Next(4);
            return (true, false, offset, Word(random));
        }

        var (addr, data) = random.Next(9) switch
        {
            0 or 1 or 2 => (CsrMap.Ctrl, random.Next(5) switch
            {
                0 => random.Next(3) == 0 ? Word(random) : (uint)random.Next(8),
                1 => CsrMap.CtrlLoad,
                2 => CsrMap.CtrlClear,
                _ => CsrMap.CtrlDecode,
            }),
            3 => (CsrMap.Tokens, (uint)(random.Next(4) == 0 ? random.Next(maxSeq * 2 + 2) : random.Next(4))),
            4 => (CsrMap.WBase, Base(random, busBytes)),
            5 => (CsrMap.XBase, Base(random, busBytes)),
            6 => (CsrMap.OBase, Base(random, busBytes)),
            7 => (CsrMap.Status, random.Next(2) == 0 ? CsrMap.StatusDone : Word(random)),
            _ => (CsrMap.Error, random.Next(2) == 0 ? CsrMap.ErrorMask : (uint)random.Next(1 << CsrMap.ErrorBits)),
        };

        // Now and then a byte offset inside the register (the controller ignores the low bits) or an unknown register.
        var offsetNoise = random.Next(10) == 0 ? random.Next(4) : 0;
        return (true, true, random.Next(30) == 0 ? random.Next(256) : addr | offsetNoise, data);
    }

    /// <summary>A base address, aligned to the bus word five times in six.</summary>
    private static uint Base(StimulusRandom random, uint busBytes) =>
        (uint)random.Next(1 << 16) * busBytes + (random.Next(6) == 0 ? (uint)random.Next((int)busBytes) : 0);

    private static uint Word(StimulusRandom random) => (uint)random.Next(1 << 16) << 16 | (uint)random.Next(1 << 16);

    internal static int Clog2(long value)
    {
        var bits = 0;
        while ((1L << bits) < value)
        {
            bits++;
        }

        return bits;
    }
}
