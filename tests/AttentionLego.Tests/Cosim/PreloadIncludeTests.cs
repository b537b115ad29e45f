using System.Globalization;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Golden.Experiments;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;
using CliWrap;
using CliWrap.Buffered;

namespace AttentionLego.Tests.Cosim;

/// <summary>
/// The backdoor preload from a user's own testbench: the al_preload.vh that <c>generate</c> writes, included in a bench that
/// is not ours, reads the files into the macros through the design's hierarchy (Icarus runs it; Verilator lints it).
/// </summary>
[Category(Tier.Tools)]
public sealed class PreloadIncludeTests
{
    [Test]
    public async Task A_users_testbench_preloads_the_weights_through_the_generated_include()
    {
        var icarus = await TestEnvironment.RequireIcarusAsync();
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        var config = Presets.Tiny;
        var bundle = RtlGenerator.Render(config);
        foreach (var file in bundle.AllFiles)
        {
            File.WriteAllText(temp.Combine(file.Name), file.Content);
        }

        var inputs = Accuracy.DrawArray(config, 5, 1);
        Directory.CreateDirectory(temp.Combine("weights"));
        foreach (var (name, content) in BackdoorPreload.Files(config, inputs))
        {
            File.WriteAllText(temp.Combine("weights", name), content);
        }

        // W_V's macro 2 (id 8 + 2), row 5, columns 0..3: word 5 x 16/4 of its memory.
        var layout = new MacroLayout(config);
        var id = layout.Base(0, PimMatrix.V) + 2;
        var word = File.ReadAllLines(temp.Combine("weights", BackdoorPreload.FileName(id)))[5 * config.Pim.Cols / config.ProjectionShape.MacroWriteCells];
        File.WriteAllText(temp.Combine("user_tb.v"), $$"""
            module user_tb;
              reg clk_i = 1'b0;
              reg rst_ni = 1'b0;
              al_top u_dut (.clk_i (clk_i), .rst_ni (rst_ni));
            `include "al_preload.vh"
              initial begin
                #5 clk_i = 1'b1;
                #5 clk_i = 1'b0;
                al_preload("weights");
                if (u_dut.u_head.u_qkv.g_matrix[2].u_matrix.g_in[2].g_out[0].u_macro.mem_q[20] === 32'h{{word}})
                  $display("preloaded");
                else
                  $display("wrong word %h", u_dut.u_head.u_qkv.g_matrix[2].u_matrix.g_in[2].g_out[0].u_macro.mem_q[20]);
                $finish;
              end
            endmodule
            """);
        Assert.That(5 * config.Pim.Cols / config.ProjectionShape.MacroWriteCells, Is.EqualTo(20), "the word the bench reads");
        string[] sources = [.. bundle.Modules.Select(m => m.Name), "user_tb.v"];
        var iverilog = Path.Combine(Path.GetDirectoryName(icarus.Vvp)!, "iverilog");
        await Run(File.Exists(iverilog) ? iverilog : "iverilog", ["-g2005", "-s", "user_tb", "-o", "user_tb.vvp", .. sources], temp.Path);
        var run = await Run(icarus.Vvp, ["-n", "user_tb.vvp"], temp.Path);
        Assert.That(run, Does.Contain("preloaded"));
        // Verilator resolves the same hierarchical names (the ports left open are the user's business here).
        await Run(verilator.Executable, ["--lint-only", "--no-timing", "-Wno-fatal", "-Wno-PINMISSING", "--top-module", "user_tb", .. sources], temp.Path);
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"macro {id}, word 20 = {word}"));
    }

    private static async Task<string> Run(string tool, string[] args, string dir)
    {
        var result = await CliWrap.Cli.Wrap(tool).WithArguments(args).WithWorkingDirectory(dir).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.That(result.ExitCode, Is.Zero, $"{tool} {string.Join(' ', args)}:\n{result.StandardOutput}\n{result.StandardError}");
        return result.StandardOutput;
    }
}
