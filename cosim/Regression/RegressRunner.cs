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

    /// <summary>The run was stopped (SIGINT, SIGTERM) before this case had its verdict: it has none, and no folder.</summary>
    Interrupted,
}

/// <summary>The result of one case; <see cref="Message"/> is the first mismatch or the error, null when it passed.</summary>
public sealed record RegressOutcome(RegressCase Case, CaseStatus Status, TimeSpan Duration, string? Message, string? Kind, string? Artifacts, long Cycles)
{
    public bool Passed => Status == CaseStatus.Passed;
}

/// <summary>
/// A whole run: outcomes in case order, how many simulators were built or taken from the cache, and the wall time. A run
/// that was stopped lists every case too: those without a verdict as <see cref="CaseStatus.Interrupted"/>.
/// </summary>
public sealed record RegressResult(IReadOnlyList<RegressOutcome> Outcomes, int Built, int Cached, TimeSpan Wall)
{
    public int PassedCount => Outcomes.Count(o => o.Passed);

    /// <summary>Cases that failed or could not be checked.</summary>
    public int FailedCount => Outcomes.Count(o => o.Status is CaseStatus.Failed or CaseStatus.Error);

    /// <summary>Cases without a verdict because the run was stopped.</summary>
    public int InterruptedCount => Outcomes.Count(o => o.Status == CaseStatus.Interrupted);

    /// <summary>The signal that stopped the run ("SIGINT", "SIGTERM"), or null for a run that ran to its end.</summary>
    public string? InterruptedBy { get; init; }

    public bool Passed => FailedCount == 0 && InterruptedBy is null;
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
    /// <summary>
    /// Runs <paramref name="cases"/>, calling <paramref name="onCase"/> as each has its verdict. When <paramref name="ct"/>
    /// is cancelled (SIGINT, SIGTERM) the run stops: <paramref name="onInterrupted"/> gets the verdicts so far at once
    /// (the cases still running and those not started as <see cref="CaseStatus.Interrupted"/>; <paramref name="signal"/>
    /// names the cause), before the running simulators are waited for, so that it can write them even if the process
    /// must end before they are; then the folders of the unfinished cases are removed and the cancellation propagates.
    /// A case that finished in the meantime (its simulation had ended: a true verdict, and a failing case's folder that
    /// stays) is not dropped: it goes to <paramref name="onCase"/>, and <paramref name="onInterrupted"/> is called once
    /// more with it, so the report lists every folder the run leaves.
    /// </summary>
    public async Task<RegressResult> RunAsync(IReadOnlyList<RegressCase> cases, Action<RegressOutcome>? onCase = null, CancellationToken ct = default,
        Action<RegressResult>? onInterrupted = null, Func<string>? signal = null)
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
        var outcomes = new RegressOutcome?[cases.Count];
        var report = new Lock();
        var reported = false; // onInterrupted has had the verdicts: one that comes later must be given to it again
        var late = false;
        var schedule = cases.Select((c, i) => (Case: c, Index: i))
            .GroupBy(x => x.Case.BuildGroup, StringComparer.Ordinal)
            .SelectMany(g => g.Select((x, rank) => (x.Case, x.Index, Rank: rank)))
            .OrderBy(x => x.Rank).ThenBy(x => x.Index)
            .ToList();

        RegressResult Result(string? stoppedBy) => new(
            [.. outcomes.Select((o, i) => o ?? new RegressOutcome(cases[i], CaseStatus.Interrupted, TimeSpan.Zero,
                $"not run to its end: the regression was stopped by {stoppedBy} before this case had its verdict", "interrupted", null, 0))],
            0, 0, wall.Elapsed)
        {
            InterruptedBy = stoppedBy,
        };

        var run = Parallel.ForEachAsync(schedule, new ParallelOptions { MaxDegreeOfParallelism = settings.Jobs, CancellationToken = ct }, async (item, token) =>
        {
            var outcome = await RunCaseAsync(runner, prepared, item.Case, token);
            lock (report)
            {
                // A verdict that comes after the stop is still one: the case ran to its end (a case the stop cut short
                // threw instead). It is recorded and, once the interrupted run's report is written, reported again.
                outcomes[item.Index] = outcome;
                late |= reported;
                onCase?.Invoke(outcome);
            }
        });

        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (ct.Register(() => stopped.TrySetResult()))
        {
            await Task.WhenAny(run, stopped.Task);
        }

        if (ct.IsCancellationRequested)
        {
            RegressResult partial;
            var stoppedBy = signal?.Invoke() ?? "a cancellation";
            lock (report)
            {
                partial = Result(stoppedBy);
                reported = true;
            }

            try
            {
                onInterrupted?.Invoke(partial);
            }
            finally
            {
                // Even when the report could not be written: the workers end and the unfinished cases' folders go.
                try
                {
                    await run; // the simulators are being killed; each unfinished case removes its folder
                }
                catch (Exception)
                {
                    // Cancelled: a killed simulator's failure is the stop's doing, not a verdict.
                }

                RemoveEmptyFolders(Path.GetFullPath(settings.CasesRoot), cases);
            }

            if (late)
            {
                onInterrupted?.Invoke(Result(stoppedBy)); // every worker has ended: no lock needed
            }

            ct.ThrowIfCancellationRequested();
        }

        await run;
        RemoveEmptyFolders(Path.GetFullPath(settings.CasesRoot), cases);
        var builds = prepared.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Select(l => l.Value.Result.Build)
            .DistinctBy(b => b.Key).ToList();
        return Result(null) with { Built = builds.Count(b => !b.Cached), Cached = builds.Count(b => b.Cached) };
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
        catch (Exception ex) when (!ct.IsCancellationRequested)
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

    /// <summary>
    /// Folders of passing cases are removed by the runner; their now empty parents go too, up to the cases folder. Only
    /// this run's case folders and their parents are looked at: the run owns its --out, but a folder it did not make is
    /// not its to remove.
    /// </summary>
    private static void RemoveEmptyFolders(string root, IReadOnlyList<RegressCase> cases)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in cases)
        {
            for (var folder = Path.GetDirectoryName(Path.Combine(root, c.Request.WorkFolder!, "seed")); folder is not null && folder.Length > root.Length;
                 folder = Path.GetDirectoryName(folder))
            {
                folders.Add(folder);
            }
        }

        foreach (var folder in folders.OrderByDescending(f => f.Length).Append(root))
        {
            try
            {
                if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not empty after all, or not ours: it stays.
            }
        }
    }
}
