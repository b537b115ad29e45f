using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Regression;
using AttentionLego.Gen.Config;

namespace AttentionLego.Tests.Regression;

public sealed class ShardingTests
{
    /// <summary>Build groups of awkward sizes: one case, many cases, a group bigger than a shard.</summary>
    private static IReadOnlyList<RegressCase> Cases()
    {
        var source = ConfigSource.FromPreset("tiny");
        var sizes = new[] { 1, 3, 2, 7, 1, 1, 4, 30, 2, 5, 1 };
        return [.. sizes.SelectMany((n, g) => Enumerable.Range(1, n).Select(s => new RegressCase($"c{g}", source, "softmax", s)))];
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(5)]
    [TestCase(7)]
    [TestCase(100)]
    public void Shards_cover_every_case_exactly_once(int n)
    {
        var cases = Cases();
        var shards = Enumerable.Range(1, n).Select(i => Sharding.Select(cases, new Shard(i, n))).ToList();
        var ids = shards.SelectMany(s => s.Select(c => c.Id)).ToList();
        Assert.That(ids, Is.Unique, "no overlap");
        Assert.That(ids, Is.EquivalentTo(cases.Select(c => c.Id)), "no gap");
        foreach (var shard in shards)
        {
            Assert.That(shard, Is.EqualTo(cases.Where(shard.Contains).ToList()), "each shard keeps the regression's order");
        }
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(5)]
    [TestCase(7)]
    public void Shards_are_balanced(int n)
    {
        var cases = Cases();
        var chunk = (cases.Count + n - 1) / n;
        var loads = Enumerable.Range(1, n).Select(i => Sharding.Select(cases, new Shard(i, n)).Count).ToList();
        Assert.That(loads.Max() - loads.Min(), Is.LessThanOrEqualTo(chunk), string.Join(", ", loads));
    }

    [Test]
    public void A_build_group_that_fits_a_shard_stays_on_one_shard()
    {
        var cases = Cases();
        var assignment = Sharding.Assign(cases, 3);
        var chunk = (cases.Count + 2) / 3;
        var split = cases.Select((c, i) => (c.BuildGroup, Shard: assignment[i])).GroupBy(x => x.BuildGroup)
            .Where(g => g.Count() <= chunk && g.Select(x => x.Shard).Distinct().Count() > 1).Select(g => g.Key);
        Assert.That(split, Is.Empty);
    }

    [Test]
    public void Every_module_of_random_configs_is_sharded_without_overlap()
    {
        var cases = RegressMatrix.Random(3, 5, [.. ModuleBenches.All.Select(b => b.Module)], 2);
        var ids = Enumerable.Range(1, 4).SelectMany(i => Sharding.Select(cases, new Shard(i, 4))).Select(c => c.Id).ToList();
        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.Count.EqualTo(5 * ModuleBenches.All.Count * 2));
    }

    [TestCase("1/1", 1, 1)]
    [TestCase("3/7", 3, 7)]
    public void Parses_a_shard(string text, int i, int n) => Assert.That(Shard.Parse(text, out _), Is.EqualTo(new Shard(i, n)));

    [TestCase("0/3", "1..3")]
    [TestCase("4/3", "1..3")]
    [TestCase("1/0", "at least 1")]
    [TestCase("2", "i/n")]
    [TestCase("a/b", "i/n")]
    [TestCase("-1/2", "i/n")]
    public void Refuses_a_malformed_shard(string text, string says)
    {
        Assert.That(Shard.Parse(text, out var problem), Is.Null);
        Assert.That(problem, Does.Contain(says));
    }

    [TestCase(1)]
    [TestCase(5)]
    [TestCase(11)]
    [TestCase(12)]
    [TestCase(30)]
    [TestCase(57)]
    [TestCase(58)]
    [TestCase(100)]
    public void The_non_empty_shards_are_counted_and_the_largest_full_split_leaves_none_empty(int n)
    {
        var cases = Cases();
        var loads = Enumerable.Range(1, n).Select(i => Sharding.Select(cases, new Shard(i, n)).Count).ToList();
        var filled = Sharding.NonEmptyShards(cases, n);
        Assert.That(loads.Count(l => l > 0), Is.EqualTo(filled));
        Assert.That(loads.Take(filled), Has.All.GreaterThan(0), "the empty shards are the last ones");

        var full = Sharding.LargestFullSplit(cases, n);
        Assert.That(full, Is.InRange(1, n));
        Assert.That(Sharding.NonEmptyShards(cases, full), Is.EqualTo(full), $"{full} shards leave none empty");
        for (var more = full + 1; more <= n; more++)
        {
            Assert.That(Sharding.NonEmptyShards(cases, more), Is.LessThan(more), $"{more} shards leave one empty, so {full} is the largest");
        }
    }

    [Test]
    public void A_huge_shard_count_is_cheap_and_leaves_all_but_the_first_shards_empty()
    {
        var cases = Cases();
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(Sharding.Select(cases, new Shard(int.MaxValue, int.MaxValue)), Is.Empty);
        Assert.That(Sharding.Select(cases, new Shard(1, int.MaxValue)), Has.Count.EqualTo(1));
        Assert.That(Sharding.NonEmptyShards(cases, int.MaxValue), Is.EqualTo(cases.Count));
        Assert.That(Sharding.LargestFullSplit(cases, int.MaxValue), Is.EqualTo(cases.Count));
        Assert.That(started.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "no slot per shard");
    }

    [Test]
    public void One_build_group_fills_fewer_shards_than_it_has_cases()
    {
        // 5 seeds of one build group in 4 shards: pieces of ceil(5/4) = 2 cases, so 3 pieces and shard 4 is empty.
        var source = ConfigSource.FromPreset("tiny");
        var cases = Enumerable.Range(1, 5).Select(s => new RegressCase("c", source, "softmax", s)).ToList();
        Assert.That(Sharding.Select(cases, new Shard(4, 4)), Is.Empty);
        Assert.That(Sharding.NonEmptyShards(cases, 4), Is.EqualTo(3));
        Assert.That(Sharding.LargestFullSplit(cases, 4), Is.EqualTo(3));
        Assert.That(Sharding.LargestFullSplit([], 4), Is.Zero);
    }
}
