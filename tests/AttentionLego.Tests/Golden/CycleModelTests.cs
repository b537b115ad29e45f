using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;
using NUnit.Framework;

namespace AttentionLego.Tests.Golden;

public sealed class CycleModelTests
{
    [Test]
    public void Tiny_projection_takes_32_steps_and_answers_after_35_cycles()
    {
        // 16/4 row groups x 16/4 column groups x 8/4 slices = 32 steps, plus 3 cycles: drain, move, output register.
        var shape = Presets.Tiny.ProjectionShape;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(shape.ComputeSteps, Is.EqualTo(32));
            Assert.That(CycleModel.MatrixComputeLatency(shape), Is.EqualTo(35));
        }
    }

    [Test]
    public void Paper_projection_takes_128_steps_and_answers_after_131_cycles()
    {
        // 128/16 row groups x 128/16 column groups x 8/4 slices = 128 steps, plus 3.
        var shape = Presets.Paper.ProjectionShape;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(shape.ComputeSteps, Is.EqualTo(128));
            Assert.That(CycleModel.MatrixComputeLatency(shape), Is.EqualTo(131));
        }
    }

    [TestCase(4, 4, 4, 4, 1, 8, 8, 11)]
    [TestCase(4, 4, 1, 1, 1, 8, 128, 131)]
    [TestCase(16, 8, 4, 2, 1, 8, 4 * 4 * 8, (4 * 4 * 8) + 3)]
    [TestCase(8, 16, 8, 16, 8, 8, 1, 4)]
    public void Latency_is_row_groups_times_column_groups_times_slices_plus_three(
        int rows, int cols, int lanes, int adcCount, int sliceBits, int dataWidth, int steps, int latency)
    {
        var geometry = new Geometry(rows, cols, lanes, adcCount, sliceBits, dataWidth, WeightWidth: 8, MacrosIn: 1, MacrosOut: 1);
        var config = geometry.IdealConfig();
        Assert.That(ConfigValidator.Validate(config), Is.Empty, "the test configuration must be legal");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(geometry.Shape(config).ComputeSteps, Is.EqualTo(steps));
            Assert.That(CycleModel.MatrixComputeLatency(geometry.Shape(config)), Is.EqualTo(latency));
        }
    }

    [Test]
    public void Stacking_more_macros_does_not_change_the_latency()
    {
        // Every macro steps in parallel, so the latency depends on one macro's geometry only.
        var single = new MatrixShape(Presets.Tiny, 16, 16);
        var wide = new MatrixShape(Presets.Tiny, 256, 64);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(wide.MacroCount, Is.EqualTo(64));
            Assert.That(CycleModel.MatrixComputeLatency(wide), Is.EqualTo(CycleModel.MatrixComputeLatency(single)));
            Assert.That(wide.ComputeSteps, Is.EqualTo(single.ComputeSteps));
        }
    }

    // tiny K cache: 4 ADCs x 2 macros = 8 tokens per column group, 4 row groups x 2 slices = 8 steps per group.
    [TestCase(0, 11)]
    [TestCase(1, 11)]
    [TestCase(8, 11)]
    [TestCase(9, 19)]
    [TestCase(16, 19)]
    [TestCase(17, 27)]
    [TestCase(32, 35)]
    public void Tiny_score_latency_grows_by_one_column_group_of_steps_every_eight_tokens(int count, int latency)
    {
        Assert.That(CycleModel.ScoreLatency(Presets.Tiny, count), Is.EqualTo(latency));
    }

    [Test]
    public void Score_latency_of_a_full_cache_is_the_full_matrix_latency_and_of_an_empty_one_a_single_group()
    {
        foreach (var config in new[] { Presets.Tiny, Presets.Paper })
        {
            var shape = config.ScoreShape;
            var perGroupSteps = shape.ComputeSteps / config.Pim.ColGroups;
            using (Assert.EnterMultipleScope())
            {
                Assert.That(CycleModel.ScoreLatency(config, config.Model.MaxSeqLen), Is.EqualTo(CycleModel.MatrixComputeLatency(shape)));
                Assert.That(CycleModel.ScoreLatency(config, 0), Is.EqualTo(perGroupSteps + 3));
            }
        }

        // paper: 16 ADCs x 16 cache macros = 256 tokens per column group of 8 x 2 = 16 steps.
        Assert.That(CycleModel.ScoreLatency(Presets.Paper, 256), Is.EqualTo(19));
        Assert.That(CycleModel.ScoreLatency(Presets.Paper, 257), Is.EqualTo(35));
    }

    [Test]
    public void Macro_and_matrix_memory_ports_answer_after_one_cycle()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(CycleModel.MacroLatency, Is.EqualTo(1));
            Assert.That(CycleModel.MatrixReadLatency, Is.EqualTo(1));
            Assert.That(CycleModel.MatrixWriteInterval, Is.EqualTo(1));
        }
    }
}
