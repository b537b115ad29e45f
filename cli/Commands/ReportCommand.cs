using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.Golden.Experiments;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Rendering;
using AttentionLego.Gen.Reporting;

namespace AttentionLego.Cli.Commands;

/// <summary>
/// <c>attnlego report</c>: report.md with cycles.png and error-histogram.png for one configuration (sizes, cycles,
/// LUT error, accuracy, Yosys cell statistics), written all or nothing.
/// </summary>
public static class ReportCommand
{
    /// <summary>
    /// Default --yosys-timeout. Measured with Yosys 0.23 (read, hierarchy, proc, opt -fast, check, stat): tiny takes
    /// about 10 s on an idle core (35 s on the shared 2-core machine under load); the paper head had not finished
    /// elaborating its K-cache matrix (2048 outputs) after 10 min of CPU and 6 GB. 120 s covers tiny and the random
    /// regression sizes on a loaded machine and gives up on the paper sizes in reasonable time.
    /// </summary>
    public const int DefaultYosysTimeoutSeconds = 120;

    public static Command Create(CliIo io)
    {
        var configOptions = new ConfigOptions();
        var outOption = new Option<string?>("--out") { Description = "Output folder (default build/report/<preset>, or build/report/config-<hash>)." };
        var force = new Option<bool>("--force") { Description = "Replace an output folder that attnlego report wrote before." };
        var tokens = new Option<int>("--tokens") { Description = "Tokens of the decode and the accuracy run, 1..Model.MaxSeqLen (default 64, or MaxSeqLen when smaller)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the accuracy run's random tokens and weights.", DefaultValueFactory = _ => 1 };
        var noYosys = new Option<bool>("--no-yosys") { Description = "Skip the Yosys cell statistics." };
        var yosysTimeout = new Option<int>("--yosys-timeout")
        {
            Description = "Seconds Yosys may take before it is stopped and the report says so.",
            DefaultValueFactory = _ => DefaultYosysTimeoutSeconds,
        };
        tokens.AtLeast(1);
        seed.AtLeast(1);
        yosysTimeout.AtLeast(1).Timeout();

        var command = configOptions.Command("report", "Write report.md with plots (cycles, error histogram) and Yosys cell statistics for a configuration.",
            outOption, force, tokens, seed, noYosys, yosysTimeout);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var total = Stopwatch.StartNew();
            var (source, config) = configOptions.Load(parse);
            var hash = ConfigHash.Of(config);
            var count = parse.GetResult(tokens) is null ? Accuracy.DefaultTokens(config) : parse.GetValue(tokens);
            if (count > config.Model.MaxSeqLen)
            {
                await io.Err.WriteLineAsync($"error: --tokens {count} exceeds Model.MaxSeqLen ({config.Model.MaxSeqLen}) of {source.DisplayName}: " +
                                            $"the caches hold no more. Fix: use --tokens 1..{config.Model.MaxSeqLen}.");
                return ExitCodes.Usage;
            }

            // The models run the accuracy experiment on --tokens tokens; Yosys is bounded by its own time limit.
            var cost = RunCost.Golden(config, count, 1, "report");
            if (!parse.GetValue(noYosys))
            {
                cost = cost with { Seconds = cost.Seconds + parse.GetValue(yosysTimeout), TimeBasis = cost.TimeBasis + " + Yosys (at most --yosys-timeout)" };
            }

            RunCost.Check(cost, Machine.Current, io.Err.WriteLine);
            var folder = parse.GetValue(outOption) ?? Path.Combine("build", "report", DefaultFolderName(source, hash));
            var replace = parse.GetValue(force);
            ReportFolder.CheckTarget(folder, replace);

            var top = RtlBundle.TopModule(config);
            var limit = parse.GetValue(yosysTimeout);
            SynthesisSection synthesis;
            if (parse.GetValue(noYosys))
            {
                synthesis = SynthesisSection.Missing("Not run (--no-yosys). Fix: run `attnlego report` without --no-yosys to add them.");
            }
            else
            {
                synthesis = await Synthesize(io, config, top, limit, ct);
            }

            var replay = $"scripts/attnlego report {source.ToArguments()} --tokens {count} --seed {parse.GetValue(seed)}".Replace("  ", " ", StringComparison.Ordinal);
            var models = Stopwatch.StartNew();
            var report = ConfigReport.Build(config, source.DisplayName, count, parse.GetValue(seed), synthesis, replay, ct);
            await io.Out.WriteLineAsync($"models: {models.Elapsed.TotalSeconds:0.0} s");
            ReportFolder.WriteAtomically(folder, report.Files, replace);
            foreach (var file in report.Files)
            {
                await io.Out.WriteLineAsync($"  {Path.Combine(folder, file.Name)}");
            }

            var p = report.Performance;
            var a = report.Accuracy.Report;
            var inv = CultureInfo.InvariantCulture;
            var yosysText = synthesis.Stats is { } s ? string.Create(inv, $"Yosys {s.TotalCells:N0} cells, {s.Latches} latches") : "no Yosys statistics";
            await io.Out.WriteLineAsync(string.Create(inv,
                $"{source.DisplayName} (config {hash}): {report.TotalMacros:N0} PIM macros; {p.CyclesPerToken:0.0} cycles per token sustained over {p.Tokens} tokens, ideal {p.IdealCyclesPerToken:0.0} (ratio {p.RatioToIdeal:0.00}); {(report.Accuracy.Array ? "array" : "head")} cosine {a.Cosine:0.000000}, max error {a.MaxErrorLsb:0.000} LSB; {yosysText}"));
            await io.Out.WriteLineAsync(string.Create(inv, $"wrote {report.Files.Count} files to {folder} in {total.Elapsed.TotalSeconds:0.0} s"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Yosys's statistics; a missing Yosys or the time limit becomes a one-line note, a rejection an error.</summary>
    private static async Task<SynthesisSection> Synthesize(CliIo io, AttentionConfig config, string top, int seconds, CancellationToken ct)
    {
        YosysDriver yosys;
        try
        {
            yosys = await YosysDriver.LocateAsync(ct);
        }
        catch (ToolException ex) when (ex.Failure == ToolFailure.Missing)
        {
            await io.Err.WriteLineAsync("warning: " + ex.Message);
            return SynthesisSection.Missing($"Not computed: Yosys is not installed. Fix: run scripts/setup.sh (Debian's yosys package) or set {YosysDriver.OverrideVariable}, then run the report again.");
        }

        var stopwatch = Stopwatch.StartNew();
        try
        {
            // Kept by content beside the builds: unchanged RTL is not synthesized again.
            var cache = YosysStatCache.Default(io.Out.WriteLine);
            var stats = await yosys.StatAsync(RtlGenerator.Render(config, ct).Modules, top, TimeSpan.FromSeconds(seconds), ct, cache);
            var source = cache.Runs == 0 ? $"taken from {cache.Folder}, where an earlier run on the same RTL kept it" : $"{stopwatch.Elapsed.TotalSeconds:0.0} s";
            await io.Out.WriteLineAsync($"yosys: {source} ({yosys.VersionLine})");
            return SynthesisSection.Of(stats);
        }
        catch (ToolException ex) when (ex.Failure == ToolFailure.TimedOut)
        {
            await io.Err.WriteLineAsync("warning: " + ex.Message);
            return SynthesisSection.Missing($"Not computed: Yosys did not finish within the time limit of {seconds} s. Fix: raise --yosys-timeout, or pass --no-yosys.");
        }
    }

    /// <summary>The preset's name; with --set, the name and the config hash; config-&lt;hash&gt; for a file or a random draw.</summary>
    private static string DefaultFolderName(ConfigSource source, string hash)
    {
        if (source.ConfigFile is not null || source.RandomDraw is not null)
        {
            return "config-" + hash;
        }

        var preset = Presets.Find(source.Preset ?? ConfigLoader.DefaultPreset)!.Name;
        return source.Overrides.Count == 0 ? preset : $"{preset}-{hash}";
    }
}
