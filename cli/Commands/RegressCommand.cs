using System.CommandLine;
using System.Globalization;
using AttentionLego.Cosim.Regression;
using AttentionLego.Cosim.Tools;
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
        seeds.AtLeast(1, "--seeds must be at least 1.");
        jobs.AtLeast(1, "-j must be at least 1.");
        timeout.AtLeast(1, "--timeout must be at least 1 second.");

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

            var replay = "scripts/attnlego regress " + (matrixFile is not null ? "--matrix " + matrixFile
                : string.Create(CultureInfo.InvariantCulture, $"--random-configs {k} --seed {parse.GetValue(seed) ?? 1}")
                  + (parse.GetResult(seeds) is { Implicit: false } ? $" --seeds {parse.GetValue(seeds)}" : ""))
                + (chosen is not null ? " --modules " + string.Join(',', chosen) : "")
                + (selected.Count > 1 ? $" --shard {selected}" : "");
            var jobCount = parse.GetValue(jobs);
            // Before anything runs: otherwise every case would fail on a folder that cannot be made.
            OutputFolder.CheckFolderPath(parse.GetValue(outDir)!, "--out");
            OutputFolder.CheckFolderPath(parse.GetValue(cacheDir) ?? BuildCache.DefaultRoot(), "--cache-dir");
            if (parse.GetValue(junit) is { } junitPath)
            {
                if (string.IsNullOrWhiteSpace(junitPath))
                {
                    return await Usage(io, "--junit \"\" names no file.", "pass a file name, e.g. --junit build/regress/junit.xml, or leave --junit out.");
                }

                OutputFolder.CheckFolderPath(Path.GetDirectoryName(Path.GetFullPath(junitPath)) ?? junitPath, "--junit");
            }

            var verilator = await VerilatorDriver.LocateAsync(ct);
            // Parallel cases share the cores: each C++ compile gets its share rather than all of them.
            verilator = verilator.WithJobs(Environment.ProcessorCount / Math.Min(jobCount, Environment.ProcessorCount));
            var root = parse.GetValue(outDir)!;
            var junitFile = parse.GetValue(junit) ?? Path.Combine(root, selected.Count > 1 ? $"junit-{selected.Index}-of-{selected.Count}.xml" : "junit.xml");
            var groups = cases.Select(c => c.BuildGroup).Distinct().Count();
            await io.Out.WriteLineAsync($"regress: {cases.Count} cases in {groups} build groups (shard {selected} of {all.Count} cases), -j {jobCount} ({verilator.VersionLine})");
            if (k is not null)
            {
                await io.Out.WriteLineAsync($"random configurations: master seed {parse.GetValue(seed) ?? 1}, draws 0..{k - 1}; draw i is --random-config {parse.GetValue(seed) ?? 1}:i");
            }

            await io.Out.WriteLineAsync("replay this run: " + replay);
            var done = 0;
            var runner = new RegressRunner(verilator, new RegressSettings
            {
                CacheRoot = parse.GetValue(cacheDir) ?? BuildCache.DefaultRoot(),
                CasesRoot = Path.Combine(root, "cases"),
                Jobs = jobCount,
                KeepPassing = parse.GetValue(keep),
                SimulationTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                Tamper = tamper,
                Waves = waveOptions.Settings(parse),
            });
            var result = await runner.RunAsync(cases, o => io.Out.WriteLine(Describe(o, ++done, cases.Count)), ct);

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

            var fullJunit = Path.GetFullPath(junitFile);
            Directory.CreateDirectory(Path.GetDirectoryName(fullJunit)!);
            await File.WriteAllTextAsync(fullJunit, JUnitReport.ToText(JUnitReport.Build(result, properties)), ct);
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
            foreach (var file in parse.GetValue(files)!)
            {
                if (!File.Exists(file))
                {
                    return await Usage(io, $"{file} does not exist.", "pass the JUnit files that attnlego regress wrote.");
                }

                inputs.Add((file, await File.ReadAllTextAsync(file, ct)));
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

            var target = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            await File.WriteAllTextAsync(target, JUnitReport.ToText(merged), ct);
            var root = merged.Root!;
            await io.Out.WriteLineAsync($"merged {inputs.Count} files into {parse.GetValue(output)}: {root.Attribute("tests")!.Value} tests, " +
                $"{root.Attribute("failures")!.Value} failures, {root.Attribute("errors")!.Value} errors");
            return ExitCodes.Ok;
        }));
        return command;
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
