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
        var chunk = Chunk(cases.Count, shards);
        var pieces = cases.Select((c, i) => (c.BuildGroup, Index: i))
            .GroupBy(x => x.BuildGroup, StringComparer.Ordinal)
            .SelectMany(g => g.Select(x => x.Index).Chunk(chunk))
            .OrderByDescending(p => p.Length).ThenBy(p => p[0])
            .ToList();
        // The least loaded shard, the lowest index on ties. Empty shards fill in index order, and there are never more
        // pieces than cases, so shards past the case count stay empty and need no slot (--shard 1/2147483647 is cheap).
        var least = new PriorityQueue<int, (int Load, int Index)>();
        for (var s = 0; s < Math.Min(shards, Math.Max(1, cases.Count)); s++)
        {
            least.Enqueue(s, (0, s));
        }

        var assignment = new int[cases.Count];
        foreach (var piece in pieces)
        {
            least.TryDequeue(out var target, out var priority);
            least.Enqueue(target, (priority.Load + piece.Length, target));
            foreach (var index in piece)
            {
                assignment[index] = target + 1;
            }
        }

        return assignment;
    }

    /// <summary>
    /// Shards of <paramref name="shards"/> that receive at least one case. Pieces go to the least loaded shard, and an
    /// empty shard is always among the least loaded, so every piece fills an empty shard until none is left: the count
    /// is the number of pieces, at most <paramref name="shards"/>. Fewer pieces than shards (fewer cases than shards, or
    /// build groups that stay whole) leave the last shards empty.
    /// </summary>
    public static int NonEmptyShards(IReadOnlyList<RegressCase> cases, int shards) => (int)Math.Min(shards, Pieces(GroupSizes(cases), cases.Count, shards));

    /// <summary>The largest shard count, at most <paramref name="shards"/>, that leaves no shard empty (0 for no case).</summary>
    public static int LargestFullSplit(IReadOnlyList<RegressCase> cases, int shards)
    {
        var groups = GroupSizes(cases);
        // Any count up to the number of build groups fills every shard (each group is at least one piece).
        for (var n = Math.Min(shards, cases.Count); n > groups.Count; n--)
        {
            if (Pieces(groups, cases.Count, n) >= n)
            {
                return n;
            }
        }

        return Math.Min(Math.Min(shards, cases.Count), groups.Count);
    }

    private static List<int> GroupSizes(IReadOnlyList<RegressCase> cases) =>
        [.. cases.GroupBy(c => c.BuildGroup, StringComparer.Ordinal).Select(g => g.Count())];

    /// <summary>The pieces <see cref="Assign"/> deals out to <paramref name="shards"/> shards: each build group in chunks of C.</summary>
    private static long Pieces(List<int> groups, int cases, int shards)
    {
        var chunk = Chunk(cases, shards);
        return groups.Sum(size => (long)((size + chunk - 1) / chunk));
    }

    /// <summary>C = ceil(cases / shards), at least 1 (in 64 bits: shards may be int.MaxValue).</summary>
    private static int Chunk(int cases, int shards) => (int)Math.Max(1, ((long)cases + shards - 1) / shards);

    /// <summary>The cases of <paramref name="shard"/>, in the regression's order.</summary>
    public static IReadOnlyList<RegressCase> Select(IReadOnlyList<RegressCase> cases, Shard shard)
    {
        var assignment = Assign(cases, shard.Count);
        return cases.Where((_, i) => assignment[i] == shard.Index).ToList();
    }
}
