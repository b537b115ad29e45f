using AttentionLego.Gen.Config;

namespace AttentionLego.Tests.Regression;

public sealed class RandomConfigsTests
{
    private static readonly IReadOnlyList<AttentionConfig> Draws = [.. Enumerable.Range(0, 200).Select(i => RandomConfigs.Draw(1, i))];

    [Test]
    public void Two_hundred_draws_are_all_valid()
    {
        var invalid = Draws.Select((c, i) => (i, Errors: ConfigValidator.Validate(c))).Where(x => x.Errors.Count > 0)
            .Select(x => $"draw {x.i}: {string.Join("; ", x.Errors)}");
        Assert.That(invalid, Is.Empty);
    }

    [Test]
    public void Draws_of_many_seeds_are_valid_too()
    {
        var invalid = Enumerable.Range(0, 50).SelectMany(s => Enumerable.Range(0, 20).Select(i => (s, i)))
            .Where(x => ConfigValidator.Validate(RandomConfigs.Draw(x.s, x.i)).Count > 0);
        Assert.That(invalid, Is.Empty);
    }

    [Test]
    public void The_same_seed_and_index_give_the_same_config()
    {
        var again = Enumerable.Range(0, 200).Select(i => ConfigJson.Serialize(RandomConfigs.Draw(1, i)));
        Assert.That(again, Is.EqualTo(Draws.Select(ConfigJson.Serialize)));
    }

    [Test]
    public void Draw_zero_of_seed_one_is_pinned_so_a_new_dotnet_cannot_change_it()
    {
        // A wide draw since wide draws exist (issue 16): a sequence of 352 tokens with 16-bit data.
        var c = RandomConfigs.Draw(1, 0);
        Assert.That(RandomConfigs.Widening(1, 0), Is.EqualTo(WideVector.Sequence));
        Assert.That((c.Model.DModel, c.Model.DHead, c.Model.MaxSeqLen, c.Format.DataWidth, c.Format.WeightWidth, c.Pim.Rows, c.Pim.Cols),
            Is.EqualTo((32, 32, 352, 16, 16, 32, 16)));
    }

    [Test]
    public void Different_seeds_draw_different_configs()
    {
        var other = Enumerable.Range(0, 200).Select(i => ConfigJson.Serialize(RandomConfigs.Draw(2, i))).ToList();
        Assert.That(other.Zip(Draws.Select(ConfigJson.Serialize)).Count(p => p.First == p.Second), Is.LessThan(10));
        Assert.That(Draws.Select(ConfigJson.Serialize).Distinct().Count(), Is.GreaterThan(190), "draws of one seed differ from each other");
    }

    [Test]
    public void Every_key_takes_more_than_one_value()
    {
        var values = Draws.Select(c => ConfigJson.ToJsonObject(c)).SelectMany(o => o.SelectMany(section =>
            section.Value!.AsObject().Select(kv => (Key: $"{section.Key}.{kv.Key}", Value: kv.Value!.ToJsonString()))));
        var single = values.GroupBy(v => v.Key).Where(g => g.Select(v => v.Value).Distinct().Count() < 2).Select(g => g.Key);
        Assert.That(single, Is.Empty);
    }

    [Test]
    public void Draws_stay_within_the_documented_bounds_and_reach_their_ends()
    {
        var narrow = Draws.Where((_, i) => RandomConfigs.Widening(1, i) == WideVector.None).ToList();
        Assert.That(narrow.Max(c => c.Model.DModel), Is.LessThanOrEqualTo(RandomConfigs.MaxDModel));
        Assert.That(narrow.Max(c => c.Model.MaxSeqLen), Is.EqualTo(RandomConfigs.MaxSequence));
        Assert.That(narrow.Max(c => c.Model.DHead), Is.EqualTo(RandomConfigs.MaxDHead));
        Assert.That(narrow.Max(c => HeadMacros(c) * c.Pim.Rows * c.Pim.Cols), Is.LessThanOrEqualTo(RandomConfigs.MaxHeadCells));
        Assert.That(Draws.Select(c => c.Format.DataWidth).Distinct(), Is.EquivalentTo(new[] { 2, 4, 8, 16 }));
        Assert.That(Draws.Select(c => c.Softmax.Mode).Distinct().Count(), Is.EqualTo(2));
        Assert.That(Draws.Select(c => c.Model.Heads).Distinct(), Is.EquivalentTo(new[] { 1, 2, 3, 4 }), "arrays of every size occur");
        Assert.That(Draws.Count(c => c.Model.OutputProjection), Is.InRange(20, 120), "with and without W_O");
        Assert.That(Draws.Where(c => c.Model.OutputProjection).Max(c => c.OutputProjectionShape.MacroCount), Is.LessThanOrEqualTo(RandomConfigs.MaxMacrosPerArray));
        Assert.That(Draws.Count(c => PimMath.IsIdealAdc(c)), Is.InRange(40, 160), "ideal and lossy ADCs both occur");
        Assert.That(Draws.Select(c => new[]
        {
            c.ProjectionShape.MacroCount, c.ScoreShape.MacroCount, c.ContextShape.MacroCount,
        }.Max()).Max(), Is.LessThanOrEqualTo(RandomConfigs.MaxMacrosPerArray));
        Assert.That(Draws.Max(c => HeadMacros(c) * c.Pim.Rows * c.Pim.Cols), Is.LessThanOrEqualTo(RandomConfigs.MaxWideHeadCells));
        Assert.That(Draws.Max(c => HeadMacros(c) * c.Pim.InputLanes * c.Pim.AdcCount), Is.LessThanOrEqualTo(RandomConfigs.MaxHeadMacLanes));
    }

    [Test]
    public void One_draw_in_four_has_a_vector_wider_than_a_bench_word_and_not_a_multiple_of_it()
    {
        var kinds = Enumerable.Range(0, Draws.Count).Select(i => RandomConfigs.Widening(1, i)).ToList();
        Assert.That(kinds.Count(k => k != WideVector.None), Is.InRange(30, 75), "about one in four of 200");
        Assert.That(kinds.Distinct(), Is.EquivalentTo(Enum.GetValues<WideVector>()), "the token, the head vector and the sequence are each made wide");
        for (var i = 0; i < Draws.Count; i++)
        {
            var c = Draws[i];
            var elements = kinds[i] switch
            {
                WideVector.Token => c.Model.DModel,
                WideVector.Head => c.Model.DHead,
                WideVector.Sequence => c.Model.MaxSeqLen,
                _ => 0,
            };
            if (kinds[i] == WideVector.None)
            {
                continue;
            }

            var bits = elements * c.Format.DataWidth;
            Assert.That(bits, Is.GreaterThan(RandomConfigs.WideBits).And.LessThan(2 * RandomConfigs.WideBits), $"draw 1:{i} ({kinds[i]})");
            Assert.That(bits % RandomConfigs.WideBits, Is.Not.Zero, $"draw 1:{i}: a last word that is only partly filled");
        }
    }

    [Test]
    public void Wide_draws_of_many_seeds_are_valid_and_drawn_within_the_attempts()
    {
        var wide = Enumerable.Range(0, 50).SelectMany(s => Enumerable.Range(0, 40).Select(i => (s, i)))
            .Where(x => RandomConfigs.Widening(x.s, x.i) != WideVector.None).ToList();
        Assert.That(wide, Has.Count.GreaterThan(300));
        Assert.That(wide.Where(x => ConfigValidator.Validate(RandomConfigs.Draw(x.s, x.i)).Count > 0), Is.Empty);
    }

    private static int HeadMacros(AttentionConfig c) => (3 * c.ProjectionShape.MacroCount) + c.ScoreShape.MacroCount + c.ContextShape.MacroCount;

    [Test]
    public void A_draw_is_a_config_source_that_every_command_replays()
    {
        var loaded = ConfigLoader.Load(new ConfigSource(null, null, [], "1:7"));
        Assert.That(ConfigJson.Serialize(loaded), Is.EqualTo(ConfigJson.Serialize(Draws[7])));
        Assert.That(new ConfigSource(null, null, [], "1:7").ToArguments(), Is.EqualTo("--random-config 1:7"));
    }

    [TestCase("1")]
    [TestCase("1:")]
    [TestCase("-1:2")]
    [TestCase("a:b")]
    [TestCase("1:2:3")]
    public void A_malformed_draw_is_refused_with_a_fix(string draw)
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(new ConfigSource(null, null, [], draw)));
        Assert.That(ex!.Message, Does.Contain("S:i").And.Contain("Fix:"));
    }

    [Test]
    public void A_draw_cannot_be_combined_with_a_preset()
    {
        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Load(new ConfigSource("tiny", null, [], "1:0")));
        Assert.That(ex!.Message, Does.Contain("--random-config"));
    }
}
