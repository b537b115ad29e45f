using System.CommandLine;
using System.Globalization;
using AttentionLego.Cosim.Regression;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.IO;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cli.Commands;

/// <summary>
/// <c>attnlego regress</c>: co-simulate a matrix of configurations x modules x seeds (or random configurations), in
/// parallel and sharded, with one JUnit file per run; <c>attnlego regress merge</c> joins the JUnit files of shards.
/// </summary>
public static class RegressCommand
{
    /// <param name="tamper">Test hook: alters the golden expectations of every case, so a real co-simulation fails.</param>
    public static Command Create(CliIo io, Func<Cosim.Benches.BenchCase, Cosim.Benches.BenchCase>? tamper = null)
    {
        var matrix = new Option<string?>("--matrix") { Description = "Matrix file (JSON): configurations x modules x seeds; docs/CLI.md, \"Matrix file\"." };
        var randomConfigs = new Option<int?>("--random-configs") { Description = "Run K random configurations instead of a matrix." };
        var seed = new Option<int?>("--seed") { Description = "Master seed of the random configurations (default 1); draw i replays as --random-config S:i." };
        var modules = new Option<string[]>("--modules")
        {
            Description = "Modules to run, comma-separated or repeated (default all). With --matrix: only the matrix's cases of these modules.",
            DefaultValueFactory = _ => [],
        };
        var seeds = new Option<int>("--seeds") { Description = "With --random-configs: simulation seeds 1..n per configuration and module.", DefaultValueFactory = _ => 1 };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Cases run at once.", DefaultValueFactory = _ => 1 };
        var shard = new Option<string?>("--shard") { Description = "Run shard i of n (1-based, i/n): shards 1..n together run every case exactly once." };
        var list = new Option<bool>("--list") { Description = "Print this shard's case ids and exit without running." };
        var outDir = new Option<string>("--out") { Description = "Folder of the run: cases/<case id>/ (failing cases, or all with --keep) and the JUnit file.", DefaultValueFactory = _ => Path.Combine("build", "regress") };
        var junit = new Option<string?>("--junit") { Description = "JUnit XML file (default <out>/junit.xml, or <out>/junit-<i>-of-<n>.xml with --shard)." };
        var keep = new Option<bool>("--keep") { Description = "Keep the folders of passing cases too." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Build cache folder (default $ATTNLEGO_CACHE, else $XDG_CACHE_HOME/attnlego, else ~/.cache/attnlego)." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds one simulation may run before it is stopped (the case then fails).", DefaultValueFactory = _ => 600 };
        randomConfigs.AtLeast(1, "--random-configs must be at least 1.")
            .AtMost(RegressMatrix.MaxRandomConfigs, $"--random-configs must be at most {RegressMatrix.MaxRandomConfigs} (each configuration is built and simulated for every module); split a larger campaign by --seed.");
        seed.AtLeast(0, "--seed must not be negative.");
        seeds.Seeds("for every configuration and module");
        var cores = Environment.ProcessorCount;
        jobs.AtLeast(1, "-j must be at least 1.")
            .AtMost(Limits.MaxJobs(cores), j =>
                $"-j {j} is more than {Limits.MaxJobsPerCore} cases per core on this machine's {cores} core{(cores == 1 ? "" : "s")} (at most -j {Limits.MaxJobs(cores)}): " +
                "each case builds its simulator (Verilator and the C++ compiler) and runs it, so more at once only wait for the CPU and add up their memory. " +
                $"Fix: use -j {cores} (one case per core), at most -j {Limits.MaxJobs(cores)}.");
        timeout.AtLeast(1, "--timeout must be at least 1 second.").Timeout();

        var command = new Command("regress", "Co-simulate configurations x modules x seeds (a matrix file or random configurations), in parallel and sharded, with JUnit XML.");
        var waveOptions = new WaveDumpOptions();
        foreach (var option in new Option[] { matrix, randomConfigs, seed, modules, seeds, jobs, shard, list, outDir, junit, keep, cacheDir, timeout })
        {
            command.Options.Add(option);
        }

        var allowEmptyShard = new Option<bool>("--allow-empty-shard")
        {
            Description = "Let a shard with no case pass (a CI matrix with more jobs than cases); without it an empty shard fails, for it checks nothing.",
        };
        command.Options.Add(allowEmptyShard);
        waveOptions.AddTo(command);
        command.Subcommands.Add(MergeCommand(io));
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var matrixFile = parse.GetValue(matrix);
            var k = parse.GetValue(randomConfigs);
            if ((matrixFile is null) == (k is null))
            {
                return await Usage(io, "give either --matrix <file> or --random-configs <K>" + (k is null ? "." : ", not both."),
                    "e.g. attnlego regress --matrix regress/ci.json, or attnlego regress --random-configs 20 --seed 1.");
            }

            if (k is null && (parse.GetValue(seed) is not null || parse.GetResult(seeds) is { Implicit: false }))
            {
                return await Usage(io, "--seed and --seeds belong to --random-configs; a matrix names its own seeds.",
                    "drop them, or write the seeds in the matrix file.");
            }

            IReadOnlyList<string>? chosen = null;
            if (parse.GetValue(modules) is { Length: > 0 } words && (chosen = RegressMatrix.Modules(words, out var problem)) is null)
            {
                return await Usage(io, "--modules: " + problem, "e.g. --modules softmax,top.");
            }

            var selected = Shard.Whole;
            if (parse.GetValue(shard) is { } shardText && (selected = Shard.Parse(shardText, out var shardProblem)!) is null)
            {
                return await Usage(io, shardProblem!, "write --shard i/n with 1 <= i <= n, e.g. --shard 2/4.");
            }

            if (selected.Count > Limits.MaxCases)
            {
                // Shards split cases: more shards than a regression has cases are empty, and 2^31 of them only exhaust memory.
                return await Usage(io, $"--shard {selected}: {selected.Count:N0} shards are more than the {Limits.MaxCases:N0} cases one regression runs.",
                    "split into at most as many shards as there are cases, e.g. --shard 2/4.");
            }

            if (k is not null)
            {
                // Counted before a case is drawn: configurations x modules x seeds.
                var planned = (long)k.Value * (chosen?.Count ?? Cosim.Benches.ModuleBenches.All.Count) * parse.GetValue(seeds);
                if (planned > Limits.MaxCases)
                {
                    return await Usage(io,
                        $"--random-configs {k} with {chosen?.Count ?? Cosim.Benches.ModuleBenches.All.Count} modules and --seeds {parse.GetValue(seeds)} is {planned:N0} cases, more than the {Limits.MaxCases:N0} one regression runs.",
                        "use fewer configurations, modules or seeds, and split a larger campaign by --seed.");
                }
            }

            IReadOnlyList<RegressCase> all;
            try
            {
                all = matrixFile is not null
                    ? RegressMatrix.Load(matrixFile).Where(c => chosen is null || chosen.Contains(c.Module)).ToList()
                    : RegressMatrix.Random(parse.GetValue(seed) ?? 1, k!.Value, chosen ?? [.. Cosim.Benches.ModuleBenches.All.Select(b => b.Module)], parse.GetValue(seeds));
            }
            catch (MatrixException ex)
            {
                await io.Err.WriteLineAsync("error: " + ex.Message);
                return ExitCodes.InvalidConfig;
            }

            var cases = Sharding.Select(all, selected);
            if (parse.GetValue(list))
            {
                foreach (var c in cases)
                {
                    await io.Out.WriteLineAsync(c.Id);
                }

                await io.Out.WriteLineAsync($"# {cases.Count} of {all.Count} cases in shard {selected}");
                return ExitCodes.Ok;
            }

            if (cases.Count == 0 && (all.Count == 0 || !parse.GetValue(allowEmptyShard)))
            {
                // A run of no case checks nothing: it fails unless an empty shard was asked for.
                await io.Err.WriteLineAsync("error: " + EmptyRun(all, selected, chosen));
                return ExitCodes.CheckFailed;
            }

            var replay = "scripts/attnlego regress " + (matrixFile is not null ? "--matrix " + Gen.Config.ConfigSource.Quote(matrixFile)
                : string.Create(CultureInfo.InvariantCulture, $"--random-configs {k} --seed {parse.GetValue(seed) ?? 1}")
                  + (parse.GetResult(seeds) is { Implicit: false } ? $" --seeds {parse.GetValue(seeds)}" : ""))
                + (chosen is not null ? " --modules " + string.Join(',', chosen) : "")
                + (selected.Count > 1 ? $" --shard {selected}" : "");
            var jobCount = parse.GetValue(jobs);
            // Before anything runs: otherwise every case would fail on a folder that cannot be made.
            OutputFolder.CheckFolderPath(parse.GetValue(outDir)!, "--out");
            OutputFolder.CheckFolderPath(parse.GetValue(cacheDir) ?? BuildCache.DefaultRoot(), "--cache-dir");
            if (parse.GetValue(junit) is { } junitPath && JUnitPathProblem(junitPath) is { } junitProblem)
            {
                await io.Err.WriteLineAsync($"error: {junitProblem.Problem} Fix: {junitProblem.Fix}");
                return junitProblem.Exit;
            }

            // Before any build or folder: the run's cost from its cases (a build per build group), refused far beyond this machine (exit 9).
            RunCost.Check(RunCost.Regress(PlannedCases(cases), jobCount, Environment.ProcessorCount), Machine.Current, io.Err.WriteLine);

            // The run owns its --out for its whole length: two runs never mix their case folders or JUnit files.
            var explicitOut = parse.GetResult(outDir) is { Implicit: false };
            var (owned, root, holder, moved) = ClaimOut(parse.GetValue(outDir)!, explicitOut);
            if (owned is null)
            {
                await io.Err.WriteLineAsync($"error: --out {root} is in use by {OwnedFolder.DescribeHolder(holder)}; two runs must not share one. " +
                                            "Fix: wait for it or choose another --out.");
                return ExitCodes.OutputError;
            }

            using var _ = owned;
            var written = false;
            try
            {
                var junitFile = parse.GetValue(junit) ?? Path.Combine(root, selected.Count > 1 ? $"junit-{selected.Index}-of-{selected.Count}.xml" : "junit.xml");
                var fullJunit = Path.GetFullPath(junitFile);
                var casesRoot = Path.Combine(owned.Path, "cases");
                if (Directory.Exists(fullJunit))
                {
                    await io.Err.WriteLineAsync($"error: --junit {junitFile} is a folder, not a file. Fix: name a file, e.g. --junit {Path.Combine(junitFile, "junit.xml")}, or leave --junit out.");
                    return ExitCodes.OutputError;
                }

                if ((fullJunit + "/").StartsWith(casesRoot + "/", StringComparison.Ordinal))
                {
                    await io.Err.WriteLineAsync($"error: --junit {junitFile} is inside {Path.Combine(root, "cases")}, where this run makes its case folders. " +
                                                $"Fix: name a file outside it, e.g. --junit {Path.Combine(root, "junit.xml")}, or leave --junit out.");
                    return ExitCodes.OutputError;
                }

                // Found now, not after every build: each case would be an ERROR and the JUnit file would never be written.
                foreach (var (folder, option) in new[] { (owned.Path, "--out " + root), (Path.GetDirectoryName(fullJunit)!, "--junit " + junitFile) }.DistinctBy(p => p.Item1))
                {
                    if (CannotWriteIn(folder, out var where) is { } why)
                    {
                        await io.Err.WriteLineAsync($"error: {option}: cannot write files in {where} ({why}). " +
                                                    $"Fix: make {where} writable, or choose another {option.Split(' ')[0]}.");
                        return ExitCodes.OutputError;
                    }
                }

                if (moved)
                {
                    await io.Out.WriteLineAsync($"regress: {parse.GetValue(outDir)} is in use by {OwnedFolder.DescribeHolder(holder)}; this run writes to {root} instead");
                }

                var verilator = await VerilatorDriver.LocateAsync(ct);
                // Parallel cases share the cores: each C++ compile gets its share rather than all of them.
                verilator = verilator.WithJobs(Environment.ProcessorCount / Math.Min(jobCount, Environment.ProcessorCount));
                var groups = cases.Select(c => c.BuildGroup).Distinct().Count();
                await io.Out.WriteLineAsync($"regress: {cases.Count} cases in {groups} build groups (shard {selected} of {all.Count} cases), -j {jobCount} ({verilator.VersionLine})");
                if (k is not null)
                {
                    await io.Out.WriteLineAsync($"random configurations: master seed {parse.GetValue(seed) ?? 1}, draws 0..{k - 1}; draw i is --random-config {parse.GetValue(seed) ?? 1}:i");
                }

                await io.Out.WriteLineAsync("replay this run: " + replay);
                var properties = new Dictionary<string, string>
                {
                    ["shard"] = selected.ToString(),
                    ["replay"] = replay,
                    ["verilator"] = verilator.VersionLine,
                };
                if (k is not null)
                {
                    properties["master-seed"] = (parse.GetValue(seed) ?? 1).ToString(CultureInfo.InvariantCulture);
                }

                var done = 0;
                var reports = 0;
                var runner = new RegressRunner(verilator, new RegressSettings
                {
                    CacheRoot = parse.GetValue(cacheDir) ?? BuildCache.DefaultRoot(),
                    CasesRoot = casesRoot,
                    Jobs = jobCount,
                    KeepPassing = parse.GetValue(keep),
                    SimulationTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                    Tamper = tamper,
                    Waves = waveOptions.Settings(parse),
                    // From parallel workers, as the case lines below: one writer at a time.
                    Notes = line =>
                    {
                        lock (io.Out)
                        {
                            io.Out.WriteLine(line);
                        }
                    },
                });
                // Stopped by a signal: the verdicts so far go to the JUnit file at once (skipped: the cases without one),
                // then the stop propagates and the process ends with the one interruption line.
                var result = await runner.RunAsync(cases, o =>
                {
                    lock (io.Out)
                    {
                        io.Out.WriteLine(Describe(o, ++done, cases.Count));
                    }
                }, ct, partial =>
                {
                    // Called again (once) when cases finished after the stop: their verdicts, and the folders failing ones keep, are listed too.
                    JUnitReport.WriteAtomically(fullJunit, JUnitReport.Build(partial, properties));
                    written = true;
                    io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"junit: {junitFile} (stopped by {partial.InterruptedBy}: {partial.PassedCount} passed, {partial.FailedCount} failed, {partial.InterruptedCount} without a verdict, listed as skipped)")
                        + (++reports > 1 ? " rewritten with the cases that finished after the stop" : ""));
                }, () => Interruption.Received ?? "a cancellation");

                JUnitReport.WriteAtomically(fullJunit, JUnitReport.Build(result, properties));
                written = true;
                var failed = result.Outcomes.Where(o => !o.Passed).ToList();
                if (failed.Count > 0)
                {
                    await io.Out.WriteLineAsync($"failing cases ({failed.Count}), each with its replay command:");
                    foreach (var o in failed)
                    {
                        await io.Out.WriteLineAsync($"  {o.Case.Id}: {o.Case.Replay}");
                    }
                }

                await io.Out.WriteLineAsync($"junit: {junitFile}");
                await io.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{result.PassedCount} passed, {result.FailedCount} failed; {result.Built} simulators built, {result.Cached} from the cache; wall {result.Wall.TotalSeconds:0.0} s"));
                return result.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed;
            }
            finally
            {
                if (!written)
                {
                    owned.RemoveMadeIfEmpty(); // a run refused or failed before any case: it leaves no empty --out behind
                }
            }
        }));
        return command;
    }

    private static Command MergeCommand(CliIo io)
    {
        var files = new Argument<string[]>("files") { Description = "JUnit XML files to merge (e.g. one per shard).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "The merged JUnit XML file.", Required = true };
        var command = new Command("merge", "Merge JUnit XML files (e.g. of the shards of one regression) into one, with the counts summed.");
        command.Arguments.Add(files);
        command.Options.Add(output);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var inputs = new List<(string, string)>();
            long total = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                if (!File.Exists(file))
                {
                    return await Usage(io, $"{Excerpt.Path(file)} does not exist.", "pass the JUnit files that attnlego regress wrote.");
                }

                string text;
                try
                {
                    // Each file with a cap, and all of them together: a device or a huge file is refused, not read whole.
                    text = ReadCounted(file, Limits.MaxJUnitBytes, Limits.MaxJUnitTotalBytes, ref total, ct);
                }
                catch (InputTooLargeException ex)
                {
                    return await Usage(io, ex.Limit < Limits.MaxJUnitBytes
                            ? $"{Excerpt.Path(file)}: the files to merge hold more than the {BoundedFile.Describe(Limits.MaxJUnitTotalBytes)} one merge reads."
                            : $"{Excerpt.Path(file)}: {ex.Problem("a JUnit file")}",
                        $"pass the JUnit files that attnlego regress wrote (a case takes about 300 bytes, so a regression of {Limits.MaxCases:N0} cases fits).");
                }

                inputs.Add((file, text));
            }

            System.Xml.Linq.XDocument merged;
            try
            {
                merged = JUnitReport.Merge(inputs);
            }
            catch (JUnitException ex)
            {
                await io.Err.WriteLineAsync("error: " + ex.Message);
                return ExitCodes.Usage;
            }

            JUnitReport.WriteAtomically(parse.GetValue(output)!, merged);
            var root = merged.Root!;
            await io.Out.WriteLineAsync($"merged {inputs.Count} files into {parse.GetValue(output)}: {root.Attribute("tests")!.Value} tests, " +
                $"{root.Attribute("failures")!.Value} failures, {root.Attribute("errors")!.Value} errors");
            return ExitCodes.Ok;
        }));
        return command;
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
    /// Reads one of several files that share a budget: at most <paramref name="perFile"/> bytes, and at most what is left
    /// of <paramref name="allFiles"/> after <paramref name="total"/>, which grows by the bytes read (not by the UTF-8 length
    /// of the decoded text, which invalid bytes make up to three times longer and which would overdraw the budget).
    /// </summary>
    internal static string ReadCounted(string file, long perFile, long allFiles, ref long total, CancellationToken ct = default)
    {
        var bytes = BoundedFile.ReadAllBytes(file, Math.Max(0, Math.Min(perFile, allFiles - total)), ct);
        total += bytes.Length;
        using var reader = new StreamReader(new MemoryStream(bytes), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd(); // decoded as BoundedFile.ReadAllText decodes
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
    private static (string Problem, string Fix, int Exit)? JUnitPathProblem(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return ("--junit \"\" names no file.", "pass a file name, e.g. --junit build/regress/junit.xml, or leave --junit out.", ExitCodes.Usage);
        }

        var name = Path.GetFileName(path);
        if (path.EndsWith('/') || name is "" or "." or "..")
        {
            return ($"--junit {path} names a folder, not a file.", $"name a file, e.g. --junit {Path.Combine(path, "junit.xml")}, or leave --junit out.", ExitCodes.OutputError);
        }

        if (System.Text.Encoding.UTF8.GetByteCount(name) > 255 || path.Contains('\0', StringComparison.Ordinal))
        {
            return ("--junit names a file that cannot exist (a name longer than 255 bytes, or a NUL character).",
                "pass a shorter file name, e.g. --junit build/regress/junit.xml.", ExitCodes.OutputError);
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

            var tokens = Cosim.Benches.ModuleBenches.IsWhole(c.Module) ? (c.Top ?? new Cosim.Benches.TopOptions()).TokensFor(config) : 0;
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

    private static async Task<int> Usage(CliIo io, string problem, string fix)
    {
        await io.Err.WriteLineAsync($"error: {problem} Fix: {fix}");
        return ExitCodes.Usage;
    }
}
