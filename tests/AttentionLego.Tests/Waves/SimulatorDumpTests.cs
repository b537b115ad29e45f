using AttentionLego.Cosim.Tools;
using AttentionLego.Cosim.Waves;
using AttentionLego.Tests.Support;
using CliWrap;
using CliWrap.Buffered;

namespace AttentionLego.Tests.Waves;

/// <summary>
/// One small design and bench dumped by Verilator 5 and by Icarus 11: both dialects read, and the two dumps agree
/// on every common signal (Verilator's TOP scope dropped; Icarus starts registers at x, Verilator at 0).
/// </summary>
[Category(Tier.Tools)]
public sealed class SimulatorDumpTests
{
    private const string Design = """
        `timescale 1ns/1ps
        module al_wave_dut (
            input  wire       clk_i,
            input  wire       rst_ni,
            output wire [7:0] count_o,
            output wire       mix_o
        );
            reg [7:0] count_q;
            reg [3:0] shift_q;
            always @(posedge clk_i) begin
                if (!rst_ni) begin
                    count_q <= 8'd0;
                    shift_q <= 4'b0001;
                end else begin
                    count_q <= count_q + 8'd1;
                    shift_q <= {shift_q[2:0], shift_q[3]};
                end
            end
            genvar i;
            generate
                for (i = 0; i < 2; i = i + 1) begin : g_lane
                    reg [3:0] lane_q;
                    always @(posedge clk_i) begin
                        lane_q <= count_q[3:0] + i[3:0];
                    end
                end
            endgenerate
            assign count_o = count_q;
            assign mix_o = count_q[7] ^ g_lane[1].lane_q[0] ^ shift_q[3];
        endmodule
        """;

    private const string Bench = """
        `timescale 1ns/1ps
        module al_wave_tb;
            reg clk_i = 1'b0;
            reg rst_ni = 1'b0;
            wire [7:0] count_o;
            wire mix_o;
            al_wave_dut u_dut (.clk_i(clk_i), .rst_ni(rst_ni), .count_o(count_o), .mix_o(mix_o));
            always #5 clk_i <= ~clk_i;
            initial begin
                if ($test$plusargs("dump")) begin
                    $dumpfile("dump.vcd");
                    $dumpvars(0, al_wave_tb);
                end
                #22 rst_ni = 1'b1;
                #300 $finish;
            end
        endmodule
        """;

    [Test]
    public async Task Verilator_and_icarus_dumps_of_one_bench_agree()
    {
        await TestEnvironment.RequireVerilatorAsync();
        var verilator = ToolLocator.Find("verilator", VerilatorDriver.OverrideVariable)!;
        var iverilog = Require("iverilog");
        var vvp = Require("vvp");
        using var temp = new TempFolder();
        var sources = new[] { "al_wave_dut.v", "al_wave_tb.v" };
        await File.WriteAllTextAsync(temp.Combine(sources[0]), Design + "\n");
        await File.WriteAllTextAsync(temp.Combine(sources[1]), Bench + "\n");

        Directory.CreateDirectory(temp.Combine("icarus"));
        await Run(iverilog, ["-o", "icarus/sim", .. sources], temp.Path);
        await Run(vvp, ["sim", "+dump"], temp.Combine("icarus"));
        await Run(verilator, ["--binary", "--trace", "-j", "1", "--top-module", "al_wave_tb", "-Mdir", "obj_dir", .. sources], temp.Path);
        await Run(temp.Combine("obj_dir", "Val_wave_tb"), ["+dump"], temp.Combine("obj_dir"));

        var icarus = VcdReader.Load(temp.Combine("icarus", "dump.vcd"));
        var verilated = VcdReader.Load(temp.Combine("obj_dir", "dump.vcd"));
        TestContext.Out.WriteLine($"icarus: {icarus.Version}, {icarus.Timescale}, {icarus.Variables.Count} variables; verilator: {verilated.Version}, {verilated.Timescale}, {verilated.Variables.Count} variables");
        Assert.That(icarus.Find("al_wave_tb.u_dut.g_lane[1].lane_q"), Is.Not.Null, "Icarus writes generate scopes as begin g_lane[1]");
        Assert.That(verilated.Find("TOP.al_wave_tb.u_dut.g_lane[1].lane_q"), Is.Not.Null, "Verilator wraps the design in TOP");
        Assert.That(verilated["TOP.al_wave_tb.u_dut.count_q"], Is.SameAs(verilated["TOP.al_wave_tb.u_dut.count_o"]), "Verilator aliases count_o to count_q");
        Assert.That(icarus["al_wave_tb.u_dut.count_q"].ValueBefore(305_000), Is.EqualTo("00011100"), "28 counts after reset");

        // Icarus (x until reset) as the expected wave: its x bits are don't-cares.
        var result = VcdDiff.Compare(icarus, verilated, new VcdDiffOptions { XWildcard = true });
        Assert.That(result.Divergences.Select(d => $"{d.Signal} at {d.Cycle}: {d.Expected} vs {d.Actual}"), Is.Empty);
        Assert.That(result.SignalsCompared, Is.EqualTo(12));
        Assert.That(result.Cycles, Has.Count.EqualTo(32));
        Assert.That(result.OnlyInA.Concat(result.OnlyInB), Is.Empty);

        // Once the lanes have seen a reset count (cycle 2), the values are equal without any wildcard.
        Assert.That(VcdDiff.Compare(icarus, verilated, new VcdDiffOptions { FromCycle = 2 }).Identical, Is.True);

        // And the comparison can fail: Verilator's zeros as the expected wave do not match Icarus's x.
        var reversed = VcdDiff.Compare(verilated, icarus, new VcdDiffOptions { XWildcard = true });
        Assert.That(reversed.Divergences, Is.Not.Empty);
        Assert.That(reversed.Divergences.Select(d => d.Cycle), Has.All.LessThan(2));
    }

    private static string Require(string tool)
    {
        if (ToolLocator.Find(tool) is { } path)
        {
            return path;
        }

        if (TestEnvironment.InCi)
        {
            Assert.Fail($"{tool} is required under CI (Debian package iverilog).");
        }

        Assert.Ignore($"{tool} is not installed (Debian package iverilog).");
        throw new InvalidOperationException("unreachable");
    }

    private static async Task Run(string tool, string[] args, string dir)
    {
        var result = await CliWrap.Cli.Wrap(tool).WithArguments(args).WithWorkingDirectory(dir).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.That(result.ExitCode, Is.Zero, $"{tool} {string.Join(' ', args)}:\n{result.StandardOutput}\n{result.StandardError}");
    }
}
