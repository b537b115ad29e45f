using System.Diagnostics;
using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Golden.Experiments;

/// <summary>Which faults a random fault map holds.</summary>
public enum FaultKind
{
    /// <summary>Stuck-at cells: every stored bit of every PIM cell is stuck (at 0 or 1, equally likely) with the rate.</summary>
    StuckAt,

    /// <summary>Dead ADC columns: every column of every macro is dead with the rate.</summary>
    DeadColumn,

    /// <summary>Both, each with the rate.</summary>
    Both,
}

/// <summary>
/// Seeded random fault maps over every PIM matrix of a design (each head's W_Q, W_K, W_V, K cache and V cache, and W_O).
/// The same (configuration, kind, rate, seed) always gives the same map.
/// </summary>
public static class FaultMaps
{
    /// <summary>A map with each stored bit stuck and each macro column dead with probability <paramref name="rate"/> (per <paramref name="kind"/>).</summary>
    public static FaultMap Draw(AttentionConfig config, FaultKind kind, double rate, int seed, CancellationToken ct = default)
    {
        if (double.IsNaN(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "a fault rate is a probability, from 0 to 1");
        }

        var layout = new MacroLayout(config);
        var random = new SplitMix64(SplitMix64.Mix((ulong)seed) ^ 0x6661756C74UL);
        var stuck = new List<StuckAtFault>();
        var dead = new List<DeadColumnFault>();
        foreach (var (head, matrix) in Matrices(config))
        {
            var shape = layout.Shape(matrix);
            if (kind != FaultKind.DeadColumn)
            {
                var width = shape.Config.Format.WeightWidth;
                foreach (var bit in Sample(random, (long)shape.InDim * shape.OutDim * width, rate))
                {
                    if ((stuck.Count & 0xFFFF) == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                    }

                    var cell = bit / width;
                    stuck.Add(new StuckAtFault
                    {
                        Head = head,
                        Matrix = matrix,
                        Row = (int)(cell / shape.OutDim),
                        Col = (int)(cell % shape.OutDim),
                        Bit = (int)(bit % width),
                        Value = (int)(random.NextUInt64() >> 63),
                    });
                }
            }

            if (kind != FaultKind.StuckAt)
            {
                foreach (var column in Sample(random, (long)shape.MacrosIn * shape.OutDim, rate))
                {
                    dead.Add(new DeadColumnFault { Head = head, Matrix = matrix, MacroRow = (int)(column / shape.OutDim), Col = (int)(column % shape.OutDim) });
                }
            }
        }

        return new FaultMap { StuckAt = stuck, DeadColumns = dead };
    }

    /// <summary>Every (head, matrix) of the design, W_O last.</summary>
    public static IEnumerable<(int Head, PimMatrix Matrix)> Matrices(AttentionConfig config)
    {
        for (var h = 0; h < config.Model.Heads; h++)
        {
            foreach (var m in new[] { PimMatrix.Q, PimMatrix.K, PimMatrix.V, PimMatrix.KCache, PimMatrix.VCache })
            {
                yield return (h, m);
            }
        }

        if (config.Model.OutputProjection)
        {
            yield return (0, PimMatrix.O);
        }
    }

    /// <summary>Bits and columns of the design: what a rate is a fraction of.</summary>
    public static (long Bits, long Columns) Population(AttentionConfig config)
    {
        var layout = new MacroLayout(config);
        long bits = 0, columns = 0;
        foreach (var (_, matrix) in Matrices(config))
        {
            var shape = layout.Shape(matrix);
            bits += (long)shape.InDim * shape.OutDim * shape.Config.Format.WeightWidth;
            columns += (long)shape.MacrosIn * shape.OutDim;
        }

        return (bits, columns);
    }

    /// <summary>
    /// The indices in [0, <paramref name="count"/>) picked each with probability <paramref name="rate"/>, ascending: geometric
    /// gaps, so a sparse map over millions of bits costs what it holds, not what it covers.
    /// </summary>
    private static IEnumerable<long> Sample(SplitMix64 random, long count, double rate)
    {
        if (rate <= 0)
        {
            yield break;
        }

        var logKeep = Math.Log(1 - rate);
        for (var i = -1L; ;)
        {
            // U in (0, 1]: the gap to the next pick is floor(log U / log(1 - rate)) (every index when the rate is 1).
            var u = ((random.NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));
            var gap = rate >= 1 ? 0 : Math.Floor(Math.Log(u) / logKeep);
            if (gap >= count - i - 1)
            {
                yield break;
            }

            i += (long)gap + 1;
            yield return i;
        }
    }
}

/// <summary>One rate of a sweep: the faults drawn and the accuracy over the seeds (median and worst of each figure).</summary>
public sealed record FaultSweepRow(double Rate, double MedianStuckBits, double MedianDeadColumns, double MedianCosine, double WorstCosine,
    double MedianMeanErrorLsb, double MedianMaxErrorLsb, double WorstMaxErrorLsb, int Seeds, TimeSpan Elapsed);

/// <summary>
/// The fault-rate sweep: for each rate and each seed, a random fault map (<see cref="FaultMaps.Draw"/>), the bit-exact model
/// with those faults on the accuracy experiment's data (<see cref="Accuracy.Measure"/>, input seed fixed), against the
/// float reference (which has no faults).
/// </summary>
public static class FaultSweep
{
    /// <remarks><paramref name="ct"/> reaches every draw and every accuracy run (checked at least once per token).</remarks>
    public static FaultSweepRow Run(AttentionConfig config, FaultKind kind, double rate, int seeds, int firstSeed, int inputSeed, int tokens,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seeds, 1);
        var stopwatch = Stopwatch.StartNew();
        var results = Enumerable.Range(firstSeed, seeds).Select(seed =>
        {
            ct.ThrowIfCancellationRequested();
            var faults = FaultMaps.Draw(config, kind, rate, seed, ct);
            var report = Accuracy.Measure(config with { Faults = faults }, inputSeed, tokens, ct).Report;
            return (faults.StuckAt.Count, faults.DeadColumns.Count, report);
        }).ToList();
        return new FaultSweepRow(rate,
            Median(results.Select(r => (double)r.Item1)), Median(results.Select(r => (double)r.Item2)),
            Median(results.Select(r => r.report.Cosine)), results.Min(r => r.report.Cosine),
            Median(results.Select(r => r.report.MeanErrorLsb)), Median(results.Select(r => r.report.MaxErrorLsb)),
            results.Max(r => r.report.MaxErrorLsb), seeds, stopwatch.Elapsed);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
