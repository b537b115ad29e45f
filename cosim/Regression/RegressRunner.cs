using System.Collections.Concurrent;
using System.Diagnostics;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Tools;

namespace AttentionLego.Cosim.Regression;

public enum CaseStatus
{
    Passed,

    /// <summary>The check ran and found a mismatch.</summary>
    Failed,

    /// <summary>The case could not be checked: the build failed, the simulation hung, or the bench threw.</summary>
    Error,
}

/// <summary>The result of one case; <see cref="Message"/> is the first mismatch or the error, null when it passed.</summary>
public sealed record RegressOutcome(RegressCase Case, CaseStatus Status, TimeSpan Duration, string? Message, string? Kind, string? Artifacts, long Cycles)
{
    public bool Passed => Status == CaseStatus.Passed;
}

/// <summary>A whole run: outcomes in case order, how many simulators were built or taken from the cache, and the wall time.</summary>
public sealed record RegressResult(IReadOnlyList<RegressOutcome> Outcomes, int Built, int Cached, TimeSpan Wall)
{
    public int PassedCount => Outcomes.Count(o => o.Passed);

    public int FailedCount => Outcomes.Count - PassedCount;

    public bool Passed => FailedCount == 0;
}

public sealed record RegressSettings
{
    public required string CacheRoot { get; init; }

    /// <summary>Case folders go to <c>&lt;CasesRoot&gt;/&lt;case id&gt;</c>.</summary>
    public required string CasesRoot { get; init; }

    /// <summary>Cases run at once (<c>-j</c>).</summary>
    public int Jobs { get; init; } = 1;

    public bool KeepPassing { get; init; }

    public TimeSpan SimulationTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Wave dumps of the cases (default: a failing case leaves waves around its first mismatch in its folder).</summary>
    public WaveDumps.WaveSettings Waves { get; init; } = new();

    /// <summary>Test hook passed to <see cref="CosimSettings.Tamper"/>: alters the golden expectations.</summary>
    public Func<BenchCase, BenchCase>? Tamper { get; init; }

    /// <summary>Lines that are not a case's verdict (a damaged cache entry rebuilt, a wait for another build): <see cref="CosimSettings.Notes"/>.</summary>
    public Action<string>? Notes { get; init; }
}

/// <summary>
/// Runs regression cases <see cref="RegressSettings.Jobs"/> at a time. Cases that share a configuration, module and bench
/// options share one prepared bench (one render, one build); cases of one configuration and module share the Verilator
/// build through the build cache, and a build two workers need at once is made once (<see cref="VerilatorDriver"/>).
/// Workers take the cases round-robin over build groups, so parallel workers build different simulators rather than
/// wait for the same one.
/// </summary>
public sealed class RegressRunner(VerilatorDriver verilator, RegressSettings settings)
{
    public async Task<RegressResult> RunAsync(IReadOnlyList<RegressCase> cases, Action<RegressOutcome>? onCase = null, CancellationToken ct = default)
    {
        var wall = Stopwatch.StartNew();
        var runner = new CosimRunner(verilator, new CosimSettings
        {
            CacheRoot = settings.CacheRoot,
            WorkRoot = settings.CasesRoot,
            KeepPassing = settings.KeepPassing,
            SimulationTimeout = settings.SimulationTimeout,
            Tamper = settings.Tamper,
            Waves = settings.Waves,
            Notes = settings.Notes,
        });
        var prepared = new ConcurrentDictionary<string, Lazy<Task<PreparedCosim>>>(StringComparer.Ordinal);
        var outcomes = new RegressOutcome[cases.Count];
        var report = new Lock();
        var schedule = cases.Select((c, i) => (Case: c, Index: i))
            .GroupBy(x => x.Case.BuildGroup, StringComparer.Ordinal)
            .SelectMany(g => g.Select((x, rank) => (x.Case, x.Index, Rank: rank)))
            .OrderBy(x => x.Rank).ThenBy(x => x.Index)
            .ToList();

        await Parallel.ForEachAsync(schedule, new ParallelOptions { MaxDegreeOfParallelism = settings.Jobs, CancellationToken = ct }, async (item, token) =>
        {
            var outcome = await RunCaseAsync(runner, prepared, item.Case, token);
            outcomes[item.Index] = outcome;
            lock (report)
            {
                onCase?.Invoke(outcome);
            }
        });

        RemoveEmptyFolders(Path.GetFullPath(settings.CasesRoot));
        var builds = prepared.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result.Build)
            .DistinctBy(b => b.Key).ToList();
        return new RegressResult(outcomes, builds.Count(b => !b.Cached), builds.Count(b => b.Cached), wall.Elapsed);
    }

    private static async Task<RegressOutcome> RunCaseAsync(CosimRunner runner, ConcurrentDictionary<string, Lazy<Task<PreparedCosim>>> prepared,
        RegressCase c, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var request = c.Request;
            var bench = await prepared.GetOrAdd(c.RequestKey, _ => new Lazy<Task<PreparedCosim>>(() => runner.PrepareAsync(request, ct))).Value;
            var result = await runner.RunSeedAsync(bench, c.Seed, ct);
            var mismatch = result.Score.FirstMismatch;
            return new RegressOutcome(c, result.Passed ? CaseStatus.Passed : CaseStatus.Failed, stopwatch.Elapsed, mismatch?.Describe(),
                mismatch is null ? null : "mismatch", result.Passed ? null : result.WorkDir, result.Cycles);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var kind = ex switch
            {
                ToolException { Failure: ToolFailure.TimedOut } => "timeout",
                ToolException { Failure: ToolFailure.Crashed } => "simulator crashed",
                ToolException => "tool failed",
                Gen.Config.ConfigException => "invalid configuration",
                _ => "internal error",
            };
            var message = ex is ToolException or Gen.Config.ConfigException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            return new RegressOutcome(c, CaseStatus.Error, stopwatch.Elapsed, message, kind, null, 0);
        }
    }

    /// <summary>Folders of passing cases are removed by the runner; their now empty parents go too.</summary>
    private static void RemoveEmptyFolders(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var dir in Directory.GetDirectories(root, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
        {
            if (!Directory.EnumerateFileSystemEntries(dir).Any())
            {
                Directory.Delete(dir);
            }
        }

        if (!Directory.EnumerateFileSystemEntries(root).Any())
        {
            Directory.Delete(root);
        }
    }
}
