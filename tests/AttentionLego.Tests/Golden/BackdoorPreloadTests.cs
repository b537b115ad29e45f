using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Golden.Experiments;

namespace AttentionLego.Tests.Golden;

/// <summary>The backdoor preload's files and task (docs/NUMERICS.md, "Backdoor preload"), without a simulator.</summary>
public sealed class BackdoorPreloadTests
{
    [Test]
    public void Each_weight_macro_gets_one_file_of_its_memory_words_in_the_macros_layout()
    {
        var config = Presets.TinyMha4;
        var inputs = Accuracy.DrawArray(config, 1, 2);
        var files = BackdoorPreload.Files(config, inputs).ToDictionary(f => f.Name, f => f.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var layout = new MacroLayout(config);
        var shape = config.ProjectionShape;
        var cells = shape.MacroWriteCells;
        using (Assert.EnterMultipleScope())
        {
            // 4 heads x 3 projections of 4 macros, and W_O's 16: no file for the caches.
            Assert.That(files, Has.Count.EqualTo((4 * 3 * shape.MacroCount) + config.OutputProjectionShape.MacroCount));
            Assert.That(files.Values.Select(f => f.Length), Is.All.EqualTo(config.Pim.Rows * config.Pim.Cols / cells));
            Assert.That(files.Keys, Does.Not.Contain(BackdoorPreload.FileName(layout.Base(0, PimMatrix.KCache))));

            // Head 2's W_V, tile (mi 1, mo 0): row 3, columns 4..7 of the macro are word 3 x 4 + 1, weight k in bits 8k and up.
            var id = layout.Base(2, PimMatrix.V) + 1;
            var line = files[BackdoorPreload.FileName(id)][(3 * config.Pim.Cols / cells) + 1];
            var expected = Enumerable.Range(0, cells).Select(k => inputs.Heads[2].Wv[config.Pim.Rows + 3, 4 + k]).ToArray();
            Assert.That(line, Has.Length.EqualTo(cells * config.Format.WeightWidth / 4));
            Assert.That(FixedPoint.UnpackSigned(System.Numerics.BigInteger.Parse("0" + line, System.Globalization.NumberStyles.HexNumber), cells, config.Format.WeightWidth),
                Is.EqualTo(expected));
        }
    }

    [Test]
    public void The_task_reads_every_weight_macro_through_its_hierarchical_name()
    {
        var task = BackdoorPreload.Task(Presets.TinyMha4, array: true, "u_dut");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(task.Split('\n').Count(l => l.Contains("$readmemh", StringComparison.Ordinal)), Is.EqualTo(64));
            Assert.That(task, Does.Contain("$readmemh({folder, \"/pim_0.hex\"}, u_dut.g_head[0].u_head.u_qkv.g_matrix[0].u_matrix.g_in[0].g_out[0].u_macro.mem_q);"));
            Assert.That(task, Does.Contain($"u_dut.u_oproj.u_wo.g_in[3].g_out[3].u_macro.mem_q"));
        }
    }
}
