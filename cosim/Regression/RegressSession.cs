using System.Globalization;
using System.Runtime.CompilerServices;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.IO;

namespace AttentionLego.Cosim.Regression;

/// <summary>What <c>attnlego regress</c> was asked, its options parsed (docs/CLI.md, "regress").</summary>
public sealed record RegressSessionOptions(string OutDir, WaveSettings Waves)
{
    /// <summary>The matrix file; exactly one of it and <see cref="RandomConfigs"/> is given.</summary>
    public string? MatrixFile { get; init; }

    /// <summary>K random configurations instead of a matrix.</summary>
    public int? RandomConfigs { get; init; }

    /// <summary>--seed: the random configurations' master seed (null: 1).</summary>
    public int? MasterSeed { get; init; }

    /// <summary>--seeds: simulation seeds per random configuration and module; <see cref="SeedsGiven"/> when on the command line.</summary>
    public int Seeds { get; init; } = 1;

    public bool SeedsGiven { get; init; }

    /// <summary>--modules as written (comma-separated or repeated); empty: all.</summary>
    public IReadOnlyList<string> Modules { get; init; } = [];

    /// <summary>--shard i/n as written, or null for the whole run.</summary>
    public string? Shard { get; init; }

    /// <summary>--list: print the shard's case ids, run nothing.</summary>
    public bool ListOnly { get; init; }

    public bool AllowEmptyShard { get; init; }

    /// <summary>--out was given (an explicit folder in use is refused; the default one moves aside).</summary>
    public bool OutGiven { get; init; }

    public string? JUnit { get; init; }

    public bool KeepPassing { get; init; }

    /// <summary>The build cache folder; null: <see cref="BuildCache.DefaultRoot"/>.</summary>
    public string? CacheDir { get; init; }

    public int Jobs { get; init; } = 1;

    public TimeSpan SimulationTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Test hook: alters the golden expectations of every case, so a real co-simulation fails.</summary>
    public Func<BenchCase, BenchCase>? Tamper { get; init; }

    /// <summary>What stopped the run when it is cancelled (the signal's name), for the JUnit file's note.</summary>
    public Func<string> StoppedBy { get; init; } = () => "a cancellation";
}

/// <summary>
/// One <c>attnlego regress</c> run: expands the matrix or the random configurations, selects the shard, claims --out,
/// runs the cases in parallel and writes the JUnit file (also when stopped). Refusals go to <c>errors</c> as one line
/// with its fix; progress and verdicts to <c>output</c>.
/// </summary>
public static class RegressSession
{
    public static async Task<RunVerdict> RunAsync(RegressSessionOptions o, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        var (plan, refused) = await PlanAsync(o, errors);
        if (plan is null)
        {
            return refused;
        }

        var cases = plan.Cases;
        if (o.ListOnly)
        {
            foreach (var c in cases)
            {
                await output.WriteLineAsync(c.Id);
            }

            await output.WriteLineAsync($"# {cases.Count} of {plan.All.Count} cases in shard {plan.Shard}");
            return RunVerdict.Passed;
        }

        if (cases.Count == 0 && (plan.All.Count == 0 || !o.AllowEmptyShard))
        {
            // A run of no case checks nothing: it fails unless an empty shard was asked for.
            await errors.WriteLineAsync("error: " + EmptyRun(plan.All, plan.Shard, plan.Modules));
            return RunVerdict.Failed;
        }

        // Before anything runs: otherwise every case would fail on a folder that cannot be made.
        OutputFolder.CheckFolderPath(o.OutDir, "--out");
        OutputFolder.CheckFolderPath(o.CacheDir ?? BuildCache.DefaultRoot(), "--cache-dir");
        if (o.JUnit is { } junitPath && JUnitPathProblem(junitPath) is { } junitProblem)
        {
            await errors.WriteLineAsync($"error: {junitProblem.Problem} Fix: {junitProblem.Fix}");
            return junitProblem.Exit;
        }

        // Before any build or folder: the run's cost from its cases (a build per build group), refused far beyond this machine (exit 9).
        RunCost.Check(RunCost.Regress(PlannedCases(cases), o.Jobs, Environment.ProcessorCount), Machine.Current, errors.WriteLine);

        // The run owns its --out for its whole length: two runs never mix their case folders or JUnit files.
        var (owned, root, holder, moved) = ClaimOut(o.OutDir, o.OutGiven);
        if (owned is null)
        {
            await errors.WriteLineAsync($"error: --out {root} is in use by {OwnedFolder.DescribeHolder(holder)}; two runs must not share one. " +
                                        "Fix: wait for it or choose another --out.");
            return RunVerdict.OutputError;
        }

        using var _ = owned;
        var written = new StrongBox<bool>();
        try
        {
            var junitFile = o.JUnit ?? Path.Combine(root, plan.Shard.Count > 1 ? $"junit-{plan.Shard.Index}-of-{plan.Shard.Count}.xml" : "junit.xml");
            if (await OutputProblemAsync(owned.Path, root, junitFile, errors))
            {
                return RunVerdict.OutputError;
            }

            if (moved)
            {
                await output.WriteLineAsync($"regress: {o.OutDir} is in use by {OwnedFolder.DescribeHolder(holder)}; this run writes to {root} instead");
            }

            return await RunCasesAsync(o, plan, Path.Combine(owned.Path, "cases"), junitFile, written, output, ct);
        }
        finally
        {
            if (!written.Value)
            {
                owned.RemoveMadeIfEmpty(); // a run refused or failed before any case: it leaves no empty --out behind
            }
        }
    }

    /// <summary>The cases a run was asked for, after its options are checked: all of them, the shard's, and the command that replays the run.</summary>
    private sealed record Plan(IReadOnlyList<RegressCase> All, IReadOnlyList<RegressCase> Cases, Shard Shard, IReadOnlyList<string>? Modules, string Replay);

    /// <summary>Checks the options and selects the cases (before any file is touched); null and the verdict when the options are refused.</summary>
    private static async Task<(Plan? Plan, RunVerdict Refused)> PlanAsync(RegressSessionOptions o, TextWriter errors)
    {
        var matrixFile = o.MatrixFile;
        var k = o.RandomConfigs;
        if ((matrixFile is null) == (k is null))
        {
            return (null, await Usage(errors, "give either --matrix <file> or --random-configs <K>" + (k is null ? "." : ", not both."),
                "e.g. attnlego regress --matrix regress/ci.json, or attnlego regress --random-configs 20 --seed 1."));
        }

        if (k is null && (o.MasterSeed is not null || o.SeedsGiven))
        {
            return (null, await Usage(errors, "--seed and --seeds belong to --random-configs; a matrix names its own seeds.",
                "drop them, or write the seeds in the matrix file."));
        }

        IReadOnlyList<string>? chosen = null;
        if (o.Modules is { Count: > 0 } words && (chosen = RegressMatrix.Modules(words, out var problem)) is null)
        {
            return (null, await Usage(errors, "--modules: " + problem, "e.g. --modules softmax,top."));
        }

        var selected = Shard.Whole;
        if (o.Shard is { } shardText && (selected = Shard.Parse(shardText, out var shardProblem)!) is null)
        {
            return (null, await Usage(errors, shardProblem!, "write --shard i/n with 1 <= i <= n, e.g. --shard 2/4."));
        }

        if (selected.Count > Limits.MaxCases)
        {
            // Shards split cases: more shards than a regression has cases are empty, and 2^31 of them only exhaust memory.
            return (null, await Usage(errors, $"--shard {selected}: {selected.Count:N0} shards are more than the {Limits.MaxCases:N0} cases one regression runs.",
                "split into at most as many shards as there are cases, e.g. --shard 2/4."));
        }

        // Counted before a case is drawn: configurations x modules x seeds.
        var modules = chosen?.Count ?? ModuleBenches.All.Count;
        if (k is not null && (long)k.Value * modules * o.Seeds is var planned && planned > Limits.MaxCases)
        {
            return (null, await Usage(errors,
                $"--random-configs {k} with {modules} modules and --seeds {o.Seeds} is {planned:N0} cases, more than the {Limits.MaxCases:N0} one regression runs.",
                "use fewer configurations, modules or seeds, and split a larger campaign by --seed."));
        }

        IReadOnlyList<RegressCase> all;
        try
        {
            all = matrixFile is not null
                ? RegressMatrix.Load(matrixFile).Where(c => chosen is null || chosen.Contains(c.Module)).ToList()
                : RegressMatrix.Random(o.MasterSeed ?? 1, k!.Value, chosen ?? [.. ModuleBenches.All.Select(b => b.Module)], o.Seeds);
        }
        catch (MatrixException ex)
        {
            await errors.WriteLineAsync("error: " + ex.Message);
            return (null, RunVerdict.InvalidInput);
        }

        var replay = "scripts/attnlego regress " + (matrixFile is not null ? "--matrix " + ConfigSource.Quote(matrixFile)
            : string.Create(CultureInfo.InvariantCulture, $"--random-configs {k} --seed {o.MasterSeed ?? 1}")
              + (o.SeedsGiven ? $" --seeds {o.Seeds}" : ""))
            + (chosen is not null ? " --modules " + string.Join(',', chosen) : "")
            + (selected.Count > 1 ? $" --shard {selected}" : "");
        return (new Plan(all, Sharding.Select(all, selected), selected, chosen, replay), RunVerdict.Passed);
    }

    /// <summary>
    /// Whether the run cannot write its results (said on <paramref name="errors"/>): a --junit that is a folder or lies
    /// among the case folders, or a folder it cannot write in. Found now, not after every build: each case would be an
    /// ERROR and the JUnit file would never be written.
    /// </summary>
    private static async Task<bool> OutputProblemAsync(string outPath, string root, string junitFile, TextWriter errors)
    {
        var fullJunit = Path.GetFullPath(junitFile);
        var casesRoot = Path.Combine(outPath, "cases");
        if (Directory.Exists(fullJunit))
        {
            await errors.WriteLineAsync($"error: --junit {junitFile} is a folder, not a file. Fix: name a file, e.g. --junit {Path.Combine(junitFile, "junit.xml")}, or leave --junit out.");
            return true;
        }

        if ((fullJunit + "/").StartsWith(casesRoot + "/", StringComparison.Ordinal))
        {
            await errors.WriteLineAsync($"error: --junit {junitFile} is inside {Path.Combine(root, "cases")}, where this run makes its case folders. " +
                                        $"Fix: name a file outside it, e.g. --junit {Path.Combine(root, "junit.xml")}, or leave --junit out.");
            return true;
        }

        foreach (var (folder, option) in new[] { (outPath, "--out " + root), (Path.GetDirectoryName(fullJunit)!, "--junit " + junitFile) }.DistinctBy(p => p.Item1))
        {
            if (CannotWriteIn(folder, out var where) is { } why)
            {
                await errors.WriteLineAsync($"error: {option}: cannot write files in {where} ({why}). " +
                                            $"Fix: make {where} writable, or choose another {option.Split(' ')[0]}.");
                return true;
            }
        }

        return false;
    }

    /// <summary>Runs the plan's cases, one line each, and writes the JUnit file (<paramref name="written"/> once it is).</summary>
    private static async Task<RunVerdict> RunCasesAsync(RegressSessionOptions o, Plan plan, string casesRoot, string junitFile, StrongBox<bool> written,
        TextWriter output, CancellationToken ct)
    {
        var (cases, selected, k) = (plan.Cases, plan.Shard, o.RandomConfigs);
        var fullJunit = Path.GetFullPath(junitFile);
        var verilator = await VerilatorDriver.LocateAsync(ct);
        // Parallel cases share the cores: each C++ compile gets its share rather than all of them.
        verilator = verilator.WithJobs(Environment.ProcessorCount / Math.Min(o.Jobs, Environment.ProcessorCount));
        var groups = cases.Select(c => c.BuildGroup).Distinct().Count();
        await output.WriteLineAsync($"regress: {cases.Count} cases in {groups} build groups (shard {selected} of {plan.All.Count} cases), -j {o.Jobs} ({verilator.VersionLine})");
        if (k is not null)
        {
            await output.WriteLineAsync($"random configurations: master seed {o.MasterSeed ?? 1}, draws 0..{k - 1}; draw i is --random-config {o.MasterSeed ?? 1}:i");
        }

        await output.WriteLineAsync("replay this run: " + plan.Replay);
        var properties = new Dictionary<string, string>
        {
            ["shard"] = selected.ToString(),
            ["replay"] = plan.Replay,
            ["verilator"] = verilator.VersionLine,
        };
        if (k is not null)
        {
            properties["master-seed"] = (o.MasterSeed ?? 1).ToString(CultureInfo.InvariantCulture);
        }

        var done = 0;
        var reports = 0;
        var runner = new RegressRunner(verilator, new RegressSettings
        {
            CacheRoot = o.CacheDir ?? BuildCache.DefaultRoot(),
            CasesRoot = casesRoot,
            Jobs = o.Jobs,
            KeepPassing = o.KeepPassing,
            SimulationTimeout = o.SimulationTimeout,
            Tamper = o.Tamper,
            Waves = o.Waves,
            // From parallel workers, as the case lines below: one writer at a time.
            Notes = line =>
            {
                lock (output)
                {
                    output.WriteLine(line);
                }
            },
        });
        // Stopped by a signal: the verdicts so far go to the JUnit file at once (skipped: the cases without one),
        // then the stop propagates and the process ends with the one interruption line.
        var result = await runner.RunAsync(cases, outcome =>
        {
            lock (output)
            {
                output.WriteLine(Describe(outcome, ++done, cases.Count));
            }
        }, ct, partial =>
        {
            // Called again (once) when cases finished after the stop: their verdicts, and the folders failing ones keep, are listed too.
            JUnitReport.WriteAtomically(fullJunit, JUnitReport.Build(partial, properties));
            written.Value = true;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"junit: {junitFile} (stopped by {partial.InterruptedBy}: {partial.PassedCount} passed, {partial.FailedCount} failed, {partial.InterruptedCount} without a verdict, listed as skipped)")
                + (++reports > 1 ? " rewritten with the cases that finished after the stop" : ""));
        }, o.StoppedBy);

        JUnitReport.WriteAtomically(fullJunit, JUnitReport.Build(result, properties));
        written.Value = true;
        var failed = result.Outcomes.Where(outcome => !outcome.Passed).ToList();
        if (failed.Count > 0)
        {
            await output.WriteLineAsync($"failing cases ({failed.Count}), each with its replay command:");
            foreach (var outcome in failed)
            {
                await output.WriteLineAsync($"  {outcome.Case.Id}: {outcome.Case.Replay}");
            }
        }

        await output.WriteLineAsync($"junit: {junitFile}");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{result.PassedCount} passed, {result.FailedCount} failed; {result.Built} simulators built, {result.Cached} from the cache; wall {result.Wall.TotalSeconds:0.0} s"));
        return result.Passed ? RunVerdict.Passed : RunVerdict.Failed;
    }

    /// <summary>The default --out, where two runs at once each get their own folder: build/regress, build/regress-2, ...</summary>
    public const int MaxDefaultOutFolders = 64;

    /// <summary>
    /// Takes --out for this run. An explicit one another live run holds is refused (no folder; its holder). The default
    /// one is then replaced by the first free of <c>&lt;out&gt;-2</c>, <c>&lt;out&gt;-3</c>, ... (<c>Moved</c>, with the
    /// holder of the default, to be named). <c>Root</c> is the folder as it is printed.
    /// </summary>
    private static (OwnedFolder? Owned, string Root, int? Holder, bool Moved) ClaimOut(string folder, bool explicitOut)
    {
        var owned = OwnedFolder.TryClaim(folder, out var holder);
        if (owned is not null || explicitOut)
        {
            return (owned, folder, holder, false);
        }

        var trimmed = folder.TrimEnd('/');
        for (var i = 2; i <= MaxDefaultOutFolders; i++)
        {
            var candidate = string.Create(CultureInfo.InvariantCulture, $"{trimmed}-{i}");
            if (OwnedFolder.TryClaim(candidate, out _) is { } alternative)
            {
                return (alternative, candidate, holder, true);
            }
        }

        throw new OutputException($"--out {folder} and {trimmed}-2 .. {trimmed}-{MaxDefaultOutFolders} are all in use by other runs. Fix: wait for them, or pass --out.");
    }

    /// <summary>
    /// Why no file can be made in <paramref name="folder"/>, or in the nearest folder above it that exists (where it would
    /// be made: <paramref name="existing"/>), found by making and removing an empty file; null when one can. Permission
    /// bits alone do not tell: root writes past them, and not into a read-only mount or an immutable (<c>chattr +i</c>) folder.
    /// </summary>
    private static string? CannotWriteIn(string folder, out string existing)
    {
        existing = Path.GetFullPath(folder);
        while (!Directory.Exists(existing))
        {
            if (Path.GetDirectoryName(existing) is not { } above)
            {
                return null;
            }

            existing = above;
        }

        var probe = Path.Combine(existing, string.Create(CultureInfo.InvariantCulture, $".attnlego-write-probe-{Environment.ProcessId}-{Guid.NewGuid():N}"));
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex is UnauthorizedAccessException ? "permission denied, or the folder is read-only or immutable" : ex.Message.TrimEnd('.');
        }
    }

    /// <summary>Why <paramref name="path"/> cannot name the JUnit file, and the exit code, checked before any case runs; null when it can.</summary>
    private static (string Problem, string Fix, RunVerdict Exit)? JUnitPathProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return ("--junit \"\" names no file.", "pass a file name, e.g. --junit build/regress/junit.xml, or leave --junit out.", RunVerdict.Usage);
        }

        var name = Path.GetFileName(path);
        if (path.EndsWith('/') || name is "" or "." or "..")
        {
            return ($"--junit {path} names a folder, not a file.", $"name a file, e.g. --junit {Path.Combine(path, "junit.xml")}, or leave --junit out.", RunVerdict.OutputError);
        }

        if (System.Text.Encoding.UTF8.GetByteCount(name) > 255 || path.Contains('\0', StringComparison.Ordinal))
        {
            return ("--junit names a file that cannot exist (a name longer than 255 bytes, or a NUL character).",
                "pass a shorter file name, e.g. --junit build/regress/junit.xml.", RunVerdict.OutputError);
        }

        OutputFolder.CheckFolderPath(Path.GetDirectoryName(Path.GetFullPath(path)) ?? path, "--junit");
        return null;
    }

    /// <summary>Each case's configuration (each loaded once), module, tokens, and whether an earlier case already builds its simulator.</summary>
    private static List<(AttentionConfig, string, int, bool)> PlannedCases(IReadOnlyList<RegressCase> cases)
    {
        var configs = new Dictionary<string, AttentionConfig>(StringComparer.Ordinal);
        var groups = new HashSet<string>(StringComparer.Ordinal);
        var planned = new List<(AttentionConfig, string, int, bool)>(cases.Count);
        foreach (var c in cases)
        {
            var key = c.Source.ToArguments();
            if (!configs.TryGetValue(key, out var config))
            {
                configs[key] = config = ConfigLoader.Load(c.Source);
            }

            var tokens = ModuleBenches.IsWhole(c.Module) ? (c.Top ?? new TopOptions()).TokensFor(config) : 0;
            planned.Add((config, c.Module, tokens, !groups.Add(c.BuildGroup)));
        }

        return planned;
    }

    /// <summary>Why a run would hold no case, and the fix: an empty shard, or modules that the matrix does not run.</summary>
    private static string EmptyRun(IReadOnlyList<RegressCase> all, Shard shard, IReadOnlyList<string>? modules)
    {
        if (all.Count == 0)
        {
            return $"--modules {string.Join(',', modules ?? [])} selects no case of the matrix, so the run would check nothing. " +
                   "Fix: choose modules the matrix runs (`--list` without --modules prints its cases), or add them to the matrix.";
        }

        var filled = Sharding.NonEmptyShards(all, shard.Count);
        var full = Sharding.LargestFullSplit(all, shard.Count);
        var inv = CultureInfo.InvariantCulture;
        var where = all.Count == 1 ? string.Create(inv, $"no case, so it would check nothing: the regression's one case is in shard 1 of {shard.Count}")
            : string.Create(inv, $"none of the {all.Count} cases, so it would check nothing: they fill only shards 1..{filled} of {shard.Count} (a build group stays on one shard)");
        var split = full == 1 ? "run it as one shard (drop --shard)" : string.Create(inv, $"split into at most {full} shards (--shard i/{full})");
        return $"shard {shard} holds {where}. Fix: {split}, or pass --allow-empty-shard when a CI matrix has more jobs than cases.";
    }

    private static string Describe(RegressOutcome o, int done, int total)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"  [{done}/{total}] {(o.Passed ? "pass" : o.Status == CaseStatus.Failed ? "FAIL" : "ERROR")} {o.Case.Id} ({o.Duration.TotalSeconds:0.0} s)");
        return o.Passed ? head
            : $"{head}: {o.Message}\n" + (o.Artifacts is null ? "" : $"    artifacts: {o.Artifacts}\n") + $"    replay: {o.Case.Replay}";
    }

    private static async Task<RunVerdict> Usage(TextWriter errors, string problem, string fix)
    {
        await errors.WriteLineAsync($"error: {problem} Fix: {fix}");
        return RunVerdict.Usage;
    }
}
