using System.Globalization;

namespace AttentionLego.Cosim.Regression;

/// <summary>Shard <see cref="Index"/> of <see cref="Count"/>, 1-based (CI job matrices and GitLab's CI_NODE_INDEX count from 1).</summary>
public sealed record Shard(int Index, int Count)
{
    public static Shard Whole { get; } = new(1, 1);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    /// <summary>Parses <c>i/n</c> with 1 &lt;= i &lt;= n; null and the problem otherwise.</summary>
    public static Shard? Parse(string text, out string? problem)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            problem = $"--shard '{text}' is not of the form i/n.";
            return null;
        }

        problem = n < 1 ? $"--shard {text}: the shard count n must be at least 1."
            : i < 1 || i > n ? $"--shard {text}: the shard index i must be 1..{n} (shards count from 1)."
            : null;
        return problem is null ? new Shard(i, n) : null;
    }
}

/// <summary>
/// Splits a regression's cases over shards with no overlap and no gap, and keeps each build group (configuration and
/// module) on one shard when it can, so one shard builds each simulator once.
/// </summary>
/// <remarks>
/// The rule depends only on the ordered case list, so every CI job computes the same split. Let T be the number of
/// cases and C = ceil(T / n). A build group larger than C is cut into consecutive pieces of C cases (the only time a
/// build is repeated on two shards); then the pieces, largest first and in case order on ties, each go to the shard
/// with the fewest cases so far (the lowest index on ties). Each shard's cases keep the regression's order.
/// </remarks>
public static class Sharding
{
    /// <summary>The shard (1-based) of every case, in case order.</summary>
    public static IReadOnlyList<int> Assign(IReadOnlyList<RegressCase> cases, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var chunk = Math.Max(1, (cases.Count + shards - 1) / shards);
        var pieces = cases.Select((c, i) => (c.BuildGroup, Index: i))
            .GroupBy(x => x.BuildGroup, StringComparer.Ordinal)
            .SelectMany(g => g.Select(x => x.Index).Chunk(chunk))
            .OrderByDescending(p => p.Length).ThenBy(p => p[0])
            .ToList();
        var load = new int[shards];
        var assignment = new int[cases.Count];
        foreach (var piece in pieces)
        {
            var target = Array.IndexOf(load, load.Min());
            load[target] += piece.Length;
            foreach (var index in piece)
            {
                assignment[index] = target + 1;
            }
        }

        return assignment;
    }

    /// <summary>The cases of <paramref name="shard"/>, in the regression's order.</summary>
    public static IReadOnlyList<RegressCase> Select(IReadOnlyList<RegressCase> cases, Shard shard)
    {
        var assignment = Assign(cases, shard.Count);
        return cases.Where((_, i) => assignment[i] == shard.Index).ToList();
    }
}
