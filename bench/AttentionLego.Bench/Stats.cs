namespace AttentionLego.Bench;

/// <summary>The statistics a benchmark reports: the median of its runs (robust to a neighbour's burst of load) and the spread.</summary>
public static class Stats
{
    /// <summary>The middle value; for an even count, the mean of the two middle values.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("the median of no values is undefined; take at least one run.", nameof(values));
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
