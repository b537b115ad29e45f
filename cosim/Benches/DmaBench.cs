using System.Numerics;

namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Co-simulates <c>al_dma</c> (al_top's instance: W_Q, W_K, W_V, the head's tokens and outputs) in lockstep with
/// <see cref="DmaMirror"/>. The bench gives loads and decodes (random aligned bases, 1 to 3 tokens) while the DMA is
/// idle; a memory that stalls requests at random and answers the requests it took, in order, after a random latency,
/// with data that is a function of the address; random weight and token back-pressure; and each output vector some
/// random time after its token was taken. Control outputs are compared in every cycle; the data on the memory, weight
/// and token ports wherever their valid is high (the bench knows which address, weight or token word is due).
/// A configuration whose load takes more than <see cref="MaxLoadWrites"/> writes is run without it (decodes only).
/// </summary>
public sealed class DmaBench() : LockstepBench("dma", "al_dma")
{
    private const int MaxCycles = 200_000;

    /// <summary>The largest weight load a case includes, in writes of the weight port (a load runs one per cycle).</summary>
    private const int MaxLoadWrites = 32_768;

    public override IReadOnlyList<LockstepPort> Inputs(AttentionConfig c)
    {
        var s = DmaShape.Head(c);
        return
        [
            new("load_start_i", 1), new("w_base_i", 32), new("decode_start_i", 1), new("x_base_i", 32), new("o_base_i", 32),
            new("tokens_i", ControllerBench.Clog2(c.Model.MaxSeqLen + 1)),
            new("mem_req_ready_i", 1), new("mem_rsp_valid_i", 1), new("mem_rsp_rdata_i", c.Bus.DataWidth),
            new("w_ready_i", 1), new("x_ready_i", 1), new("o_valid_i", 1), new("o_data_i", s.OElems * c.Format.DataWidth),
        ];
    }

    public override IReadOnlyList<LockstepPort> Outputs(AttentionConfig c)
    {
        var s = DmaShape.Head(c);
        return
        [
            new("load_done_o", 1), new("token_done_o", 1), new("decode_done_o", 1), new("fetching_o", 1), new("writing_o", 1),
            new("mem_req_valid_o", 1), new("mem_req_we_o", 1), new("mem_req_addr_o", 32), new("mem_req_wdata_o", c.Bus.DataWidth),
            new("mem_rsp_ready_o", 1),
            new("w_valid_o", 1), new("w_sel_o", 2), new("w_row_o", ControllerBench.Clog2(s.WRows)), new("w_col_o", ControllerBench.Clog2(s.WCols)),
            new("w_data_o", s.WriteCells * c.Format.WeightWidth),
            new("x_valid_o", 1), new("x_data_o", s.XElems * c.Format.DataWidth), new("o_ready_o", 1),
        ];
    }

    protected override void Drive(AttentionConfig config, StimulusRandom random, LockstepCycles cycles)
    {
        var shape = DmaShape.Head(config);
        var mirror = new DmaMirror(config, shape);
        var memory = new RandomMemory(random, config.Bus.DataWidth);
        var bus = config.Bus.DataWidth;
        var busBytes = (uint)(bus / 8);
        var busMask = (BigInteger.One << bus) - 1;
        var perWord = bus / config.Format.WeightWidth;
        var xWords = shape.XElems * config.Format.DataWidth / bus;
        var oWords = shape.OElems * config.Format.DataWidth / bus;
        var oWidth = shape.OElems * config.Format.DataWidth;

        // The commands (true: a load), one at a time: a decode before any load (the DMA does not care), a load, then two
        // decodes. A load takes a cycle per write: past MaxLoadWrites (paper: 393,216) it is left out.
        var writes = (long)shape.Matrices * shape.WRows * shape.WCols / shape.WriteCells;
        var plan = new Queue<bool>(writes <= MaxLoadWrites ? [false, true, false, false] : [false, false, false]);
        var inFlight = new Queue<(uint Addr, bool We, long Due)>();
        var outputs = new List<BigInteger>();
        bool loading = false, decoding = false;
        uint wBase = 0, xBase = 0, oBase = 0;
        int tokens = 0, weightsTaken = 0, tokensTaken = 0;
        long lastDue = 0, drain = 0;
        for (var cycle = 0L; ; cycle++)
        {
            if (cycle == MaxCycles)
            {
                throw new InvalidOperationException($"al_dma bench: the mirror did not finish its commands in {MaxCycles} cycles");
            }

            var idle = !loading && !decoding;
            if (idle && plan.Count == 0 && inFlight.Count == 0 && !mirror.Writing && ++drain > 8)
            {
                break;
            }

            // A command, given only while the DMA is idle.
            var start = idle && plan.Count > 0 && random.Next(8) == 0;
            var loadStart = start && plan.Peek();
            var decodeStart = start && !plan.Peek();
            if (start)
            {
                plan.Dequeue();
            }

            if (loadStart)
            {
                (wBase, weightsTaken, loading) = (Base(random, busBytes), 0, true);
            }

            var cmdX = decodeStart ? Base(random, busBytes) : (uint)random.Next(1 << 16) * busBytes;
            var cmdO = decodeStart ? Base(random, busBytes) : (uint)random.Next(1 << 16) * busBytes;
            var cmdTokens = decodeStart ? 1 + random.Next(Math.Min(3, config.Model.MaxSeqLen)) : random.Next(config.Model.MaxSeqLen + 1);

            // The memory: requests stalled at random, responses in order after a random latency.
            var reqReady = random.Next(4) != 0;
            var rspValid = inFlight.Count > 0 && inFlight.Peek().Due <= cycle;
            var rdata = memory.Garbage();
            if (rspValid)
            {
                var (addr, we, _) = inFlight.Dequeue();
                rdata = we ? rdata : memory.Word(addr);
            }

            if (mirror.ReqValid && reqReady)
            {
                lastDue = Math.Max(lastDue, cycle + 1 + random.Next(6));
                inFlight.Enqueue((mirror.ReqAddr, mirror.ReqWe, lastDue));
            }

            var wReady = random.Next(4) != 0;
            var xReady = random.Next(2) == 0;
            var oValid = decoding && outputs.Count < tokensTaken && random.Next(3) == 0;
            var oData = random.Bits(oWidth);

            cycles.Drive(loadStart, loadStart ? wBase : (uint)random.Next(1 << 16), decodeStart, cmdX, cmdO, cmdTokens,
                reqReady, rspValid, rdata, wReady, xReady, oValid, oData);
            mirror.Comb(reqReady, rspValid, wReady, xReady, oValid);
            var (req, w, n) = (mirror.ReqValid, mirror.WValid, weightsTaken);
            cycles.Expect(mirror.LoadDone, mirror.AckLast, mirror.AllDone, mirror.Fetching, mirror.Writing,
                req, req ? mirror.ReqWe : PortValue.None, req ? mirror.ReqAddr : PortValue.None,
                req && mirror.ReqWe ? WriteData(mirror.ReqAddr) : PortValue.None, true,
                w, w ? n / (shape.WRows * shape.WCols) : PortValue.None, w ? n / shape.WCols % shape.WRows : PortValue.None,
                w ? n % shape.WCols : PortValue.None, w ? Weight(n) : PortValue.None,
                mirror.XValid, mirror.XValid ? Token(tokensTaken) : PortValue.None, mirror.OReady);

            var (wFire, xFire, oFire, loadDone, allDone) = (mirror.WFire, mirror.XFire, mirror.OFire, mirror.LoadDone, mirror.AllDone);
            mirror.Edge(loadStart, wBase, decodeStart, cmdX, cmdO, cmdTokens);
            if (decodeStart)
            {
                (xBase, oBase, tokens, tokensTaken, decoding) = (cmdX, cmdO, cmdTokens, 0, true);
                outputs.Clear();
            }

            weightsTaken += wFire ? shape.WriteCells : 0;
            tokensTaken += xFire ? 1 : 0;
            if (oFire)
            {
                outputs.Add(oData);
            }

            loading &= !loadDone;
            decoding &= !allDone;
            drain = idle ? drain : 0;
        }

        BigInteger WriteData(uint addr)
        {
            var word = (int)((addr - oBase) / busBytes);
            return (outputs[word / oWords] >> (word % oWords * bus)) & busMask;
        }

        // The weights of the write that starts with weight n (n a multiple of WriteCells).
        BigInteger Weight(int n)
        {
            var word = memory.Word(wBase + (uint)(n / perWord) * busBytes);
            return (word >> (n % perWord * config.Format.WeightWidth)) & ((BigInteger.One << (shape.WriteCells * config.Format.WeightWidth)) - 1);
        }

        BigInteger Token(int t)
        {
            var data = BigInteger.Zero;
            for (var j = 0; j < xWords; j++)
            {
                data |= memory.Word(xBase + (uint)(t * xWords + j) * busBytes) << (j * bus);
            }

            return data;
        }
    }

    /// <summary>A random base address aligned to the bus word (a DMA is only ever given aligned ones).</summary>
    private static uint Base(StimulusRandom random, uint busBytes) => (uint)random.Next(1 << 20) * busBytes;
}

/// <summary>A memory whose word at an address is a fixed random function of the address (no storage needed).</summary>
internal sealed class RandomMemory(StimulusRandom random, int bus)
{
    private readonly ulong _salt = ((ulong)(uint)random.Next(int.MaxValue) << 20) | (uint)random.Next(1 << 20);

    public BigInteger Word(uint addr)
    {
        var word = BigInteger.Zero;
        for (var i = 0; i * 64 < bus; i++)
        {
            word |= new BigInteger(Mix(_salt ^ ((ulong)addr << 8) ^ (ulong)i)) << (i * 64);
        }

        return word & ((BigInteger.One << bus) - 1);
    }

    /// <summary>Read data while no response is valid (or the answer to a write): anything.</summary>
    public BigInteger Garbage() => random.Bits(bus);

    private static ulong Mix(ulong x)
    {
        x += 0x9e3779b97f4a7c15UL;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
