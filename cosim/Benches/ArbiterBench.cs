using System.Numerics;

namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Co-simulates <c>al_mem_arbiter</c> (Model.Heads + 1 masters, as in al_array) in lockstep with
/// <see cref="ArbiterMirror"/>: each master offers random requests (held until taken, at most MaxOutstanding in
/// flight), the memory stalls requests at random and answers those it took, in order, after a random latency. Every
/// output is compared in every cycle: the grant and what the memory sees from the mirror, each response's routing from
/// the order the requests were taken.
/// </summary>
public sealed class ArbiterBench() : LockstepBench("mem_arbiter", "al_mem_arbiter")
{
    private const int Cycles = 2000;

    private static int Masters(AttentionConfig c) => ArbiterView.From(c, "").Masters;

    public override IReadOnlyList<LockstepPort> Inputs(AttentionConfig c) =>
    [
        new("m_req_valid_i", Masters(c)), new("m_req_we_i", Masters(c)), new("m_req_addr_i", Masters(c) * 32),
        new("m_req_wdata_i", Masters(c) * c.Bus.DataWidth),
        new("mem_req_ready_i", 1), new("mem_rsp_valid_i", 1), new("mem_rsp_rdata_i", c.Bus.DataWidth),
    ];

    public override IReadOnlyList<LockstepPort> Outputs(AttentionConfig c) =>
    [
        new("m_req_ready_o", Masters(c)), new("m_rsp_valid_o", Masters(c)), new("m_rsp_rdata_o", c.Bus.DataWidth),
        new("mem_req_valid_o", 1), new("mem_req_we_o", 1), new("mem_req_addr_o", 32), new("mem_req_wdata_o", c.Bus.DataWidth),
        new("mem_rsp_ready_o", 1),
    ];

    protected override void Drive(AttentionConfig config, StimulusRandom random, LockstepCycles cycles)
    {
        var masters = Masters(config);
        var bus = config.Bus.DataWidth;
        var mirror = new ArbiterMirror(masters);
        var requests = new (bool Valid, bool We, uint Addr, BigInteger Data)[masters];
        var outstanding = new int[masters];
        var inFlight = new Queue<(int Master, long Due)>();
        long lastDue = 0;
        // Each master is busy for a random share of the cycles, so both contention and lone requests occur.
        var appetite = Enumerable.Range(0, masters).Select(_ => 1 + random.Next(4)).ToArray();
        for (var cycle = 0L; cycle < Cycles; cycle++)
        {
            for (var m = 0; m < masters; m++)
            {
                if (!requests[m].Valid)
                {
                    // A master without a request shows anything on its other request lines.
                    var offers = outstanding[m] < config.Bus.MaxOutstanding && random.Next(appetite[m] + 1) == 0;
                    requests[m] = (offers, random.Next(2) == 0, (uint)random.Next(1 << 16) << 16 | (uint)random.Next(1 << 16), random.Bits(bus));
                }
            }

            var memReady = random.Next(3) != 0;
            var rspValid = inFlight.Count > 0 && inFlight.Peek().Due <= cycle;
            var rspMaster = rspValid ? inFlight.Dequeue().Master : -1;
            var rdata = random.Bits(bus);

            cycles.Drive(Pack(requests.Select(r => r.Valid ? BigInteger.One : BigInteger.Zero), 1),
                Pack(requests.Select(r => r.We ? BigInteger.One : BigInteger.Zero), 1), Pack(requests.Select(r => new BigInteger(r.Addr)), 32),
                Pack(requests.Select(r => r.Data), bus), memReady, rspValid, rdata);
            mirror.Comb([.. requests.Select(r => r.Valid)]);
            var granted = requests[mirror.Grant];
            cycles.Expect(memReady ? BigInteger.One << mirror.Grant : BigInteger.Zero, rspValid ? BigInteger.One << rspMaster : BigInteger.Zero,
                rdata, mirror.Valid, granted.We, granted.Addr, granted.Data, true);

            var (taken, grant) = (mirror.Valid && memReady, mirror.Grant);
            mirror.Edge(memReady);
            if (taken)
            {
                requests[grant].Valid = false;
                outstanding[grant]++;
                lastDue = Math.Max(lastDue, cycle + 1 + random.Next(6));
                inFlight.Enqueue((grant, lastDue));
            }

            if (rspMaster >= 0)
            {
                outstanding[rspMaster]--;
            }
        }
    }

    private static BigInteger Pack(IEnumerable<BigInteger> values, int width)
    {
        var packed = BigInteger.Zero;
        var i = 0;
        foreach (var v in values)
        {
            packed |= v << (i++ * width);
        }

        return packed;
    }
}
