using AttentionLego.Cosim.Benches;

namespace AttentionLego.Cosim.WaveDumps;

/// <summary>
/// Where a trace port lives in the RTL: the signal whose value the bench writes to the trace file (<see cref="Data"/>,
/// a path below the bench's top module) and the 1-bit signals that are 1 in every cycle the bench records a
/// response (<see cref="Strobes"/>: the valid and ready of the handshake that fired). Golden waves put the golden
/// model's values on these names, so expected and actual overlay in a wave viewer and `attnlego wave diff` compares them.
/// </summary>
/// <remarks><paramref name="Holds"/>: the port holds its value between responses (the bench records it when it changes).</remarks>
public sealed record WaveProbe(string Port, string Data, IReadOnlyList<string> Strobes, bool Holds = false);

/// <summary>Probes shared by the benches (each bench lists its own: <see cref="IModuleBench.Probes"/>).</summary>
public static class WaveProbes
{
    /// <summary>A DUT output <c>&lt;x&gt;_data_o</c> with its handshake <c>&lt;x&gt;_valid_o</c> / <c>&lt;x&gt;_ready_i</c>.</summary>
    public static WaveProbe Port(string x) => new($"{x}_data_o", $"u_dut.{x}_data_o", [$"u_dut.{x}_valid_o", $"u_dut.{x}_ready_i"]);

    /// <summary>The whole head's (or array's) taps: each head's stage outputs, the array's rows, memory writes, CSR reads.</summary>
    public static List<WaveProbe> Whole(AttentionConfig config, bool array)
    {
        var probes = new List<WaveProbe>();
        var heads = array ? config.Model.Heads : 1;
        for (var h = 0; h < heads; h++)
        {
            // The same paths TopBenchView gives the bench's taps.
            var path = array ? $"u_dut.g_head[{h}].u_head" : "u_dut.u_head";
            var prefix = array ? $"h{h}." : "";
            string[] qkv = [$"{path}.qkv_valid", $"{path}.qkv_ready"];
            probes.Add(new(prefix + "q", $"{path}.q_data", qkv));
            probes.Add(new(prefix + "k", $"{path}.k_data", qkv));
            probes.Add(new(prefix + "v", $"{path}.v_data", qkv));
            probes.Add(new(prefix + "s", $"{path}.s_data", [$"{path}.s_valid", $"{path}.s_ready"]));
            probes.Add(new(prefix + "p", $"{path}.p_data", [$"{path}.p_valid", $"{path}.p_ready"]));
            probes.Add(new(prefix + "o", $"{path}.o_data_o", [$"{path}.o_valid", $"{path}.o_ready_i"]));
        }

        if (array)
        {
            probes.Add(new("row", "u_dut.row_data", ["u_dut.row_valid", "u_dut.row_ready"]));
        }

        string[] write = ["u_dut.mem_req_valid_o", "u_dut.mem_req_ready_i", "u_dut.mem_req_we_o"];
        probes.Add(new("mem_waddr", "u_dut.mem_req_addr_o", write));
        probes.Add(new("mem_wdata", "u_dut.mem_req_wdata_o", write));
        probes.Add(new("csr", "u_dut.csr_rdata_o", ["u_dut.csr_rvalid_o"]));
        return probes;
    }
}
