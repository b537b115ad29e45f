using AttentionLego.Gen.Config;
using NUnit.Framework;

namespace AttentionLego.Tests.Config;

public sealed class ConfigValidatorTests
{
    // Each case applies `--set` overrides (separated by ';') to the tiny preset, which has d_model 64, d_head 16,
    // max seq 32, 16x16 macros, 4 input lanes, 4 ADCs, 4-bit slices of 8-bit data, a 14-bit ideal ADC and a
    // 32-bit bus. The expected words name the violated rule, so a different rule on the same path does not pass.
    [TestCase("Model.DModel=72", "Model.DModel", "not a multiple of Pim.Rows", TestName = "Rejects_a_d_model_that_is_not_a_multiple_of_the_macro_rows")]
    [TestCase("Pim.Cols=32", "Model.DHead", "not a multiple of Pim.Cols", TestName = "Rejects_a_head_dimension_that_does_not_divide_into_macro_columns")]
    [TestCase("Pim.Rows=32", "Model.DHead", "not a multiple of Pim.Rows", TestName = "Rejects_a_head_dimension_that_does_not_divide_into_macro_rows")]
    [TestCase("Model.MaxSeqLen=40", "Model.MaxSeqLen", "not a multiple of Pim.Cols", TestName = "Rejects_a_max_sequence_that_is_not_a_multiple_of_the_macro_columns")]
    [TestCase("Model.MaxSeqLen=40", "Model.MaxSeqLen", "not a multiple of Pim.Rows", TestName = "Rejects_a_max_sequence_that_is_not_a_multiple_of_the_macro_rows")]
    [TestCase("Pim.Rows=100", "Pim.Rows", "must be a power of two", TestName = "Rejects_macro_rows_that_are_not_a_power_of_two")]
    [TestCase("Pim.Rows=0", "Pim.Rows", "must be a power of two", TestName = "Rejects_zero_macro_rows")]
    [TestCase("Pim.Rows=-16", "Pim.Rows", "must be a power of two", TestName = "Rejects_negative_macro_rows")]
    [TestCase("Pim.Rows=2048", "Pim.Rows", "from 2 to 1024", TestName = "Rejects_macro_rows_above_the_maximum_macro_size")]
    [TestCase("Pim.Rows=1;Pim.InputLanes=1", "Pim.Rows", "from 2 to 1024", TestName = "Rejects_a_macro_of_one_row")]
    [TestCase("Format.DataWidth=16;Format.WeightWidth=16;Pim.SliceBits=16;Pim.AdcBits=32", "Pim.SliceBits", "does not divide Softmax.ProbBits", TestName = "Rejects_slices_that_do_not_divide_the_probability_width")]
    [TestCase("Pim.Cols=1;Pim.AdcCount=1", "Pim.Cols", "from 2 to 1024", TestName = "Rejects_a_macro_of_one_column")]
    [TestCase("Pim.Rows=1024;Pim.InputLanes=1024;Model.DModel=1024;Model.DHead=1024;Model.MaxSeqLen=1024;Pim.SliceBits=8;Pim.AdcBits=24", "Pim.InputLanes", "at most 4096 are supported", TestName = "Rejects_a_macro_input_bus_wider_than_simulators_take")]
    [TestCase("Pim.Cols=1024;Pim.AdcCount=1024;Model.DHead=1024;Model.MaxSeqLen=1024", "Pim.AdcCount", "at most 4096 are supported", TestName = "Rejects_an_adc_output_bus_wider_than_simulators_take")]
    [TestCase("Pim.Cols=24", "Pim.Cols", "must be a power of two", TestName = "Rejects_macro_columns_that_are_not_a_power_of_two")]
    [TestCase("Pim.Cols=2048", "Pim.Cols", "from 2 to 1024", TestName = "Rejects_macro_columns_above_the_maximum_macro_size")]
    [TestCase("Pim.InputLanes=3", "Pim.InputLanes", "must be a power of two", TestName = "Rejects_input_lanes_that_are_not_a_power_of_two")]
    [TestCase("Pim.InputLanes=32", "Pim.InputLanes", "at most Pim.Rows (16)", TestName = "Rejects_more_input_lanes_than_macro_rows")]
    [TestCase("Pim.AdcCount=6", "Pim.AdcCount", "must be a power of two", TestName = "Rejects_an_adc_count_that_is_not_a_power_of_two")]
    [TestCase("Pim.AdcCount=32", "Pim.AdcCount", "at most Pim.Cols (16)", TestName = "Rejects_more_adcs_than_macro_columns")]
    [TestCase("Pim.SliceBits=3", "Pim.SliceBits", "does not divide Format.DataWidth", TestName = "Rejects_a_slice_width_that_does_not_divide_the_data_width")]
    [TestCase("Pim.SliceBits=0", "Pim.SliceBits", "between 1 and Format.DataWidth", TestName = "Rejects_a_zero_slice_width")]
    [TestCase("Pim.SliceBits=16", "Pim.SliceBits", "between 1 and Format.DataWidth", TestName = "Rejects_a_slice_wider_than_the_data")]
    [TestCase("Format.DataWidth=1", "Format.DataWidth", "between 2 and 16", TestName = "Rejects_a_one_bit_data_width")]
    [TestCase("Format.DataWidth=17", "Format.DataWidth", "between 2 and 16", TestName = "Rejects_a_data_width_above_sixteen_bits")]
    [TestCase("Format.WeightWidth=1", "Format.WeightWidth", "between 2 and 16", TestName = "Rejects_a_one_bit_weight_width")]
    [TestCase("Format.WeightWidth=17", "Format.WeightWidth", "between 2 and 16", TestName = "Rejects_a_weight_width_above_sixteen_bits")]
    [TestCase("Pim.AdcBits=1", "Pim.AdcBits", "between 2 and 32", TestName = "Rejects_a_one_bit_adc")]
    [TestCase("Pim.AdcBits=33", "Pim.AdcBits", "between 2 and 32", TestName = "Rejects_an_adc_wider_than_32_bits")]
    [TestCase("Pim.AdcShift=14", "Pim.AdcShift", "between 0 and 13 (the column sum has 14 bits)", TestName = "Rejects_an_adc_shift_as_wide_as_the_column_sum")]
    [TestCase("Pim.AdcShift=-1", "Pim.AdcShift", "between 0 and 13", TestName = "Rejects_a_negative_adc_shift")]
    [TestCase("Pim.Rows=100;Pim.AdcShift=-1", "Pim.AdcShift", "must not be negative", TestName = "Rejects_a_negative_adc_shift_even_when_the_geometry_is_invalid")]
    [TestCase("Bus.DataWidth=48", "Bus.DataWidth", "power of two from 8 to 1024", TestName = "Rejects_a_bus_width_that_is_not_a_power_of_two")]
    [TestCase("Bus.DataWidth=4", "Bus.DataWidth", "power of two from 8 to 1024", TestName = "Rejects_a_bus_narrower_than_a_byte")]
    [TestCase("Bus.DataWidth=2048", "Bus.DataWidth", "power of two from 8 to 1024", TestName = "Rejects_a_bus_wider_than_1024_bits")]
    [TestCase("Format.DataWidth=12", "Bus.DataWidth", "not a multiple of Format.DataWidth (12)", TestName = "Rejects_a_bus_that_does_not_carry_whole_activations")]
    [TestCase("Format.WeightWidth=12", "Bus.DataWidth", "not a multiple of Format.WeightWidth (12)", TestName = "Rejects_a_bus_that_does_not_carry_whole_weights")]
    [TestCase("Quant.QShift=-1", "Quant.QShift", "between 0 and 48", TestName = "Rejects_a_negative_q_shift")]
    [TestCase("Quant.KShift=49", "Quant.KShift", "between 0 and 48", TestName = "Rejects_a_k_shift_above_48")]
    [TestCase("Quant.VShift=-1", "Quant.VShift", "between 0 and 48", TestName = "Rejects_a_negative_v_shift")]
    [TestCase("Quant.ContextShift=49", "Quant.ContextShift", "between 0 and 48", TestName = "Rejects_a_context_shift_above_48")]
    [TestCase("Softmax.ScoreShift=-1", "Softmax.ScoreShift", "between 0 and 48", TestName = "Rejects_a_negative_score_shift")]
    [TestCase("Softmax.ScoreShift=49", "Softmax.ScoreShift", "between 0 and 48", TestName = "Rejects_a_score_shift_above_48")]
    [TestCase("Softmax.LutAddrBits=1", "Softmax.LutAddrBits", "between 2 and 12", TestName = "Rejects_a_one_bit_exp_lut_address")]
    [TestCase("Softmax.LutAddrBits=13", "Softmax.LutAddrBits", "between 2 and 12", TestName = "Rejects_an_exp_lut_address_above_12_bits")]
    [TestCase("Softmax.LutFracBits=13", "Softmax.LutFracBits", "finer than the scores themselves", TestName = "Rejects_lut_steps_finer_than_a_score_step")]
    [TestCase("Softmax.LutFracBits=-1", "Softmax.LutFracBits", "between 0 and 16", TestName = "Rejects_negative_lut_fraction_bits")]
    [TestCase("Softmax.Lanes=3", "Softmax.Lanes", "power of two from 1 to 64", TestName = "Rejects_softmax_lanes_that_are_not_a_power_of_two")]
    [TestCase("Softmax.Lanes=128;Model.MaxSeqLen=128", "Softmax.Lanes", "power of two from 1 to 64", TestName = "Rejects_more_than_64_softmax_lanes")]
    [TestCase("Softmax.Lanes=64", "Softmax.Lanes", "does not divide Model.MaxSeqLen (32)", TestName = "Rejects_softmax_lanes_that_do_not_divide_the_sequence")]
    [TestCase("Softmax.ExpBits=1", "Softmax.ExpBits", "between 2 and 24", TestName = "Rejects_one_bit_exp_values")]
    [TestCase("Softmax.ExpBits=25", "Softmax.ExpBits", "between 2 and 24", TestName = "Rejects_exp_values_above_24_bits")]
    [TestCase("Softmax.ProbBits=1", "Softmax.ProbBits", "between 2 and 16", TestName = "Rejects_one_bit_probabilities")]
    [TestCase("Softmax.ProbBits=17", "Softmax.ProbBits", "between 2 and 16", TestName = "Rejects_probabilities_above_16_bits")]
    [TestCase("Model.Heads=0", "Model.Heads", "between 1 and 64", TestName = "Rejects_zero_heads")]
    [TestCase("Model.Heads=65", "Model.Heads", "between 1 and 64", TestName = "Rejects_more_than_64_heads")]
    [TestCase("Model.DModel=0", "Model.DModel", "between 1 and 65536", TestName = "Rejects_a_zero_d_model")]
    [TestCase("Model.DModel=131072", "Model.DModel", "between 1 and 65536", TestName = "Rejects_a_d_model_above_65536")]
    [TestCase("Model.DHead=2048", "Model.DHead", "between 1 and 1024", TestName = "Rejects_a_head_dimension_above_1024")]
    [TestCase("Model.MaxSeqLen=0", "Model.MaxSeqLen", "between 1 and 65536", TestName = "Rejects_a_zero_max_sequence")]
    [TestCase("Model.MaxSeqLen=131072", "Model.MaxSeqLen", "between 1 and 65536", TestName = "Rejects_a_max_sequence_above_65536")]
    [TestCase("Pim.Rows=1073741824;Pim.InputLanes=1073741824", "Pim.Rows", "from 2 to 1024", TestName = "Rejects_huge_powers_of_two_without_hanging")]
    [TestCase("Format.DataWidth=2147483647;Pim.SliceBits=2", "Format.DataWidth", "between 2 and 16", TestName = "Rejects_a_huge_data_width_quickly")]
    [TestCase("Quant.OutputShift=49", "Quant.OutputShift", "between 0 and 48", TestName = "Rejects_an_output_shift_above_48")]
    [TestCase("Model.OutputProjection=true;Pim.Cols=32;Model.DHead=32;Model.DModel=48", "Model.DModel", "W_O places d_model outputs",
        TestName = "Rejects_an_output_projection_whose_d_model_is_not_whole_macro_columns")]
    public void Rejects_a_violated_rule_with_its_path_and_a_message_naming_the_rule(string overrides, string path, string rule)
    {
        var errors = ConfigErrors.OfTinyWith(overrides.Split(';'));

        Assert.That(errors, Has.Some.Matches<ConfigError>(e => e?.Path == path && e.Problem.Contains(rule, StringComparison.Ordinal)
                                                              && e.Fix.Length > 0));
    }

    [TestCase("Pim.AdcShift=13", TestName = "Accepts_the_largest_adc_shift_the_column_sum_allows")]
    [TestCase("Pim.Rows=2;Pim.Cols=2;Pim.InputLanes=1;Pim.AdcCount=1", TestName = "Accepts_two_by_two_macros_with_one_lane_and_one_adc")]
    [TestCase("Pim.InputLanes=16;Pim.AdcCount=16", TestName = "Accepts_as_many_lanes_and_adcs_as_rows_and_columns")]
    [TestCase("Pim.SliceBits=8", TestName = "Accepts_a_single_slice_as_wide_as_the_data")]
    [TestCase("Pim.SliceBits=1", TestName = "Accepts_one_bit_slices")]
    [TestCase("Model.MaxSeqLen=16", TestName = "Accepts_a_max_sequence_of_one_macro")]
    [TestCase("Format.DataWidth=16;Format.WeightWidth=16;Pim.SliceBits=8;Pim.AdcBits=32", TestName = "Accepts_the_maximum_data_and_weight_widths")]
    [TestCase("Pim.AdcBits=32", TestName = "Accepts_an_adc_wider_than_the_accumulator_needs")]
    [TestCase("Pim.Cols=32;Model.DHead=32;Model.DModel=48", TestName = "Accepts_a_d_model_of_part_of_a_macro_column_without_W_O")]
    [TestCase("Model.Heads=64;Model.OutputProjection=true", TestName = "Accepts_64_heads_with_W_O")]
    public void Accepts_an_awkward_but_legal_configuration(string overrides)
    {
        var config = ConfigLoader.Load(ConfigSource.FromPreset("tiny", overrides.Split(';')));

        Assert.That(ConfigValidator.Validate(config), Is.Empty);
    }

    [Test]
    public void Reports_every_violated_rule_at_once()
    {
        var errors = ConfigErrors.OfTinyWith("Pim.AdcBits=1", "Quant.QShift=-1");

        Assert.That(errors.Select(e => e.Path), Is.EquivalentTo(new[] { "Pim.AdcBits", "Quant.QShift" }));
    }

    [Test]
    public void Reports_both_multiple_rules_of_one_key_as_separate_errors()
    {
        var errors = ConfigErrors.OfTinyWith("Model.DHead=24");

        Assert.That(errors.Count(e => e.Path == "Model.DHead"), Is.EqualTo(2));
    }

    [Test]
    public void Validate_returns_every_error_of_a_config_built_in_code()
    {
        var tiny = Presets.Tiny;
        var broken = tiny with
        {
            Model = tiny.Model with { Heads = 0 },
            Bus = tiny.Bus with { DataWidth = 48 },
            Softmax = tiny.Softmax with { ProbBits = 17 },
        };

        var errors = ConfigValidator.Validate(broken);

        Assert.That(errors.Select(e => e.Path), Is.EquivalentTo(new[] { "Model.Heads", "Bus.DataWidth", "Softmax.ProbBits" }));
    }

    [Test]
    public void Skips_the_multiple_rules_while_the_macro_geometry_is_invalid()
    {
        var errors = ConfigValidator.Validate(Presets.Tiny with { Pim = Presets.Tiny.Pim with { Rows = 100 } });

        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { "Pim.Rows" }));
    }

    [Test]
    public void Suggests_the_neighbouring_multiples_in_the_fix()
    {
        var errors = ConfigValidator.Validate(Presets.Tiny with { Model = Presets.Tiny.Model with { DModel = 72 } });

        Assert.That(errors.Single().Fix, Does.Contain("64 or 80"));
    }

    [Test]
    public void Suggests_the_divisors_of_the_data_width_for_a_bad_slice()
    {
        var errors = ConfigValidator.Validate(Presets.Tiny with { Pim = Presets.Tiny.Pim with { SliceBits = 3 } });

        Assert.That(errors.Single().Fix, Does.Contain("1, 2, 4, 8"));
    }

    [Test]
    public void ThrowIfInvalid_throws_a_config_exception_carrying_the_validation_errors()
    {
        var broken = Presets.Tiny with { Model = Presets.Tiny.Model with { Heads = 65 } };

        var errors = ConfigErrors.Of(() => ConfigValidator.ThrowIfInvalid(broken));

        Assert.That(errors, Is.EqualTo(ConfigValidator.Validate(broken)));
    }

    [TestCase("tiny")]
    [TestCase("paper")]
    [TestCase("paper-exact")]
    public void ThrowIfInvalid_accepts_every_preset(string name)
    {
        var preset = Presets.Find(name)!;

        Assert.That(() => ConfigValidator.ThrowIfInvalid(preset.Config), Throws.Nothing);
    }

    [Test]
    public void The_memory_image_is_the_arrays_layout_and_must_fit_32_bit_addresses()
    {
        // The validator's count is MemoryLayout.ForArray's, which the bench and the RTL use.
        var configs = Presets.All.Select(p => p.Config).Concat(Enumerable.Range(0, 40).Select(i => RandomConfigs.Draw(3, i)));
        foreach (var c in configs)
        {
            var layout = AttentionLego.Gen.Golden.MemoryLayout.ForArray(c);
            Assert.That(ConfigValidator.MemoryImageBytes(c), Is.EqualTo((long)layout.Words * layout.BusBytes));
        }

        var tiny = Presets.Tiny;
        AttentionConfig Sized(int heads) => tiny with
        {
            Model = tiny.Model with { Heads = heads, DModel = 65536, DHead = 1024 },
            Format = tiny.Format with { WeightWidth = 16 },
        };
        // 65536 x 1024 16-bit weights are 402,653,184 bytes per head (W_Q, W_K, W_V): ten heads fit 4 GiB, eleven do not.
        Assert.That(ConfigValidator.Validate(Sized(10)), Is.Empty);
        var error = ConfigValidator.Validate(Sized(11)).Single();
        Assert.That((error.Path, error.Problem), Is.EqualTo(("Model",
            "needs a memory image of 4,431,654,144 bytes (the weights of 11 head(s), the tokens and the outputs), more than the 4,294,967,296 that the bus's 32-bit byte addresses reach.")));
    }

    [TestCase(8, 11, false, TestName = "Eleven_heads_of_8_bit_weights_on_an_8_bit_bus_are_more_words_than_the_bench_memory_holds")]
    [TestCase(8, 10, true, TestName = "Ten_heads_on_an_8_bit_bus_fit_the_bench_memory")]
    [TestCase(16, 11, true, TestName = "Eleven_heads_on_a_16_bit_bus_fit_the_bench_memory")]
    public void The_memory_image_in_bus_words_must_fit_the_bench_memory(int bus, int heads, bool valid)
    {
        var tiny = Presets.Tiny;
        var c = tiny with { Model = tiny.Model with { Heads = heads, DModel = 65536, DHead = 1024 }, Bus = tiny.Bus with { DataWidth = bus } };
        var errors = ConfigValidator.Validate(c);
        if (valid)
        {
            Assert.That(errors, Is.Empty);
            Assert.That(AttentionLego.Gen.Golden.MemoryLayout.ForArray(c).Words, Is.EqualTo(ConfigValidator.MemoryImageBytes(c) / (bus / 8)));
            return;
        }

        Assert.That(errors.Single().ToString(), Does.StartWith("Bus.DataWidth: is 8, so the memory image of 2,217,061,632 bytes is 2,217,061,632 bus words"));
    }
}
