using System.CommandLine;
using AttentionLego.Cosim.Regression;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.IO;

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
        command.With(matrix, randomConfigs, seed, modules, seeds, jobs, shard, list, outDir, junit, keep, cacheDir, timeout);
        var allowEmptyShard = new Option<bool>("--allow-empty-shard")
        {
            Description = "Let a shard with no case pass (a CI matrix with more jobs than cases); without it an empty shard fails, for it checks nothing.",
        };
        command.Options.Add(allowEmptyShard);
        waveOptions.AddTo(command);
        command.Subcommands.Add(MergeCommand(io));
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            return ExitCodes.Of(await RegressSession.RunAsync(new RegressSessionOptions(parse.GetValue(outDir)!, waveOptions.Settings(parse))
            {
                MatrixFile = parse.GetValue(matrix),
                RandomConfigs = parse.GetValue(randomConfigs),
                MasterSeed = parse.GetValue(seed),
                Seeds = parse.GetValue(seeds),
                SeedsGiven = parse.GetResult(seeds) is { Implicit: false },
                Modules = parse.GetValue(modules) ?? [],
                Shard = parse.GetValue(shard),
                ListOnly = parse.GetValue(list),
                AllowEmptyShard = parse.GetValue(allowEmptyShard),
                OutGiven = parse.GetResult(outDir) is { Implicit: false },
                JUnit = parse.GetValue(junit),
                KeepPassing = parse.GetValue(keep),
                CacheDir = parse.GetValue(cacheDir),
                Jobs = parse.GetValue(jobs),
                SimulationTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                Tamper = tamper,
                StoppedBy = () => Interruption.Received ?? "a cancellation",
            }, io.Out, io.Err, ct));
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

    private static async Task<int> Usage(CliIo io, string problem, string fix)
    {
        await io.Err.WriteLineAsync($"error: {problem} Fix: {fix}");
        return ExitCodes.Usage;
    }
}
