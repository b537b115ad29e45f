using System.CommandLine;
using System.Globalization;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.Golden.Experiments;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.IO;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cli.Commands;

/// <summary>
/// <c>attnlego faults</c>: random PIM fault maps (<c>draw</c>, a configuration file to co-simulate) and the fault-rate
/// sweep (<c>sweep</c>: the bit-exact model with faults against the float reference, per rate).
/// </summary>
public static class FaultsCommand
{
    private static readonly string[] Kinds = ["stuck-at", "dead-column", "both"];

    public static Command Create(CliIo io) => new("faults", "PIM fault maps: draw a random one, or sweep the fault rate and measure the accuracy.")
    {
        Draw(io),
        Sweep(io),
    };

    private static Option<string> KindOption() => new Option<string>("--kind")
    {
        Description = "stuck-at: each stored bit of every PIM cell is stuck (at 0 or 1) with the rate; dead-column: each macro column's ADC is dead with the rate; both.",
        DefaultValueFactory = _ => "stuck-at",
    }.AcceptOnlyFromAmong(Kinds);

    private static FaultKind Kind(string text) => text switch
    {
        "stuck-at" => FaultKind.StuckAt,
        "dead-column" => FaultKind.DeadColumn,
        _ => FaultKind.Both,
    };

    private static Command Draw(CliIo io)
    {
        var configOptions = new ConfigOptions();
        var kind = KindOption();
        var rate = new Option<string>("--rate") { Description = "The fault rate, a probability from 0 to 1 (e.g. 1e-3).", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the fault map.", DefaultValueFactory = _ => 1 };
        seed.AtLeast(1);
        rate.Validators.Add(r => Rates(r.GetValueOrDefault<string>() ?? "", "--rate", r.AddError));
        var command = configOptions.Command("draw",
            "Print the configuration with a random fault map added (a file for --config), and what it holds on stderr.", kind, rate, seed);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var (source, config) = configOptions.Load(parse);
            var r = Rates(parse.GetValue(rate)!, "--rate", _ => { })[0];
            if (TooManyFaults(config, source, Kind(parse.GetValue(kind)!), r, "--rate") is { } tooMany)
            {
                await io.Err.WriteLineAsync(tooMany);
                return ExitCodes.Usage;
            }

            var faults = FaultMaps.Draw(config, Kind(parse.GetValue(kind)!), r, parse.GetValue(seed), ct);
            var faulty = config with { Faults = faults };
            ConfigValidator.ThrowIfInvalid(faulty);
            await io.Out.WriteAsync(ConfigJson.Serialize(faulty));
            await io.Err.WriteLineAsync($"faults: {faults.StuckAt.Count} stuck-at bits and {faults.DeadColumns.Count} dead ADC columns " +
                                        $"drawn at rate {Text(r)} over {Describe(config)} (config {ConfigHash.Of(faulty)})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Sweep(CliIo io)
    {
        var configOptions = new ConfigOptions();
        var kind = KindOption();
        var rates = new Option<string>("--rates")
        {
            Description = "Comma-separated fault rates, each a probability from 0 to 1.",
            DefaultValueFactory = _ => "0,1e-4,1e-3,3e-3,1e-2,3e-2",
        };
        var seeds = new Option<int>("--seeds") { Description = "Random fault maps per rate (the table shows the median and the worst).", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Seed of the first fault map (then seed+1, ...).", DefaultValueFactory = _ => 1 };
        var inputSeed = new Option<int>("--input-seed") { Description = "Seed of the tokens and weights (as accuracy --seed).", DefaultValueFactory = _ => 1 };
        var tokens = new Option<int>("--tokens") { Description = "Tokens in the sequence, 1..Model.MaxSeqLen (default as accuracy)." };
        var markdown = new Option<bool>("--markdown") { Description = "Print the table as Markdown (for docs)." };
        seeds.Seeds("each is a fault map and an accuracy run");
        seed.AtLeast(1);
        inputSeed.AtLeast(1);
        tokens.AtLeast(1);
        rates.Validators.Add(r => Rates(r.GetValueOrDefault<string>() ?? "", "--rates", r.AddError));
        var command = configOptions.Command("sweep",
            "Sweep the PIM fault rate: accuracy of the faulty bit-exact model against the float reference, per rate.",
            kind, rates, seeds, seed, inputSeed, tokens, markdown);
        command.LastSeedFits(seed, seeds, "the fault maps are seeds --seed .. --seed + --seeds - 1");
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, async () =>
        {
            var (source, config) = configOptions.Load(parse);
            if (!config.Faults.IsEmpty)
            {
                await io.Err.WriteLineAsync($"error: {source.DisplayName} already holds a fault map (stuck-at bits: {config.Faults.StuckAt.Count}, dead ADC columns: {config.Faults.DeadColumns.Count}); the sweep draws its own. " +
                                            "Fix: sweep the configuration without its Faults section.");
                return ExitCodes.InvalidConfig;
            }

            var count = parse.GetResult(tokens) is null ? Accuracy.DefaultTokens(config) : parse.GetValue(tokens);
            if (count > config.Model.MaxSeqLen)
            {
                await io.Err.WriteLineAsync($"error: --tokens {count} exceeds Model.MaxSeqLen ({config.Model.MaxSeqLen}) of {source.DisplayName}. " +
                                            $"Fix: use --tokens 1..{config.Model.MaxSeqLen}.");
                return ExitCodes.Usage;
            }

            var kindText = parse.GetValue(kind)!;
            var list = Rates(parse.GetValue(rates)!, "--rates", _ => { });
            foreach (var r in list.Distinct())
            {
                if (TooManyFaults(config, source, Kind(kindText), r, "--rates") is { } tooMany)
                {
                    await io.Err.WriteLineAsync(tooMany);
                    return ExitCodes.Usage;
                }
            }

            RunCost.Check(RunCost.Golden(config, count, (long)list.Count * parse.GetValue(seeds), "faults sweep"), Machine.Current, io.Err.WriteLine);
            var rows = new List<FaultSweepRow>();
            foreach (var r in list)
            {
                rows.Add(FaultSweep.Run(config, Kind(kindText), r, parse.GetValue(seeds), parse.GetValue(seed), parse.GetValue(inputSeed), count, ct));
            }

            var (bits, columns) = FaultMaps.Population(config);
            var header = $"fault sweep: {source.DisplayName} (config {ConfigHash.Of(config)}), {kindText} faults, {parse.GetValue(seeds)} fault " +
                         $"maps per rate from seed {parse.GetValue(seed)}, {count} tokens of input seed {parse.GetValue(inputSeed)}; " +
                         $"{bits:N0} stored bits, {columns:N0} ADC columns";
            var replay = $"scripts/attnlego faults sweep {source.ToArguments()} --kind {kindText} --rates {string.Join(",", list.Select(Text))} " +
                         $"--seeds {parse.GetValue(seeds)} --seed {parse.GetValue(seed)} --input-seed {parse.GetValue(inputSeed)} --tokens {count}";
            await io.Out.WriteAsync(parse.GetValue(markdown) ? Markdown(header, rows, replay) : Table(header, rows, replay));
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Parses a comma-separated list of rates in [0, 1]; reports the first bad one through <paramref name="error"/>.</summary>
    internal static IReadOnlyList<double> Rates(string text, string option, Action<string> error)
    {
        var rates = new List<double>();
        // Counted before a rate is parsed: each rate is --seeds accuracy runs.
        var count = text.Count(ch => ch == ',') + 1;
        if (count > Limits.MaxRates)
        {
            error($"{option}: lists {count:N0} rates, more than the {Limits.MaxRates:N0} one sweep measures. Fix: list fewer rates (each costs --seeds accuracy runs), or sweep in several runs.");
            return [];
        }

        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || double.IsNaN(rate) || rate < 0 || rate > 1)
            {
                error($"{option}: '{Excerpt.Of(part)}' is not a fault rate; write probabilities from 0 to 1 such as 0,1e-3,0.01.");
                return [];
            }

            rates.Add(rate);
        }

        return rates;
    }

    /// <summary>
    /// The refusal of a fault map larger than <see cref="Limits.MaxFaults"/> entries, from its expected size before anything
    /// is drawn (rate x stored bits, rate x ADC columns), or null. At rate 1 paper-mha would hold 671 million stuck bits.
    /// </summary>
    internal static string? TooManyFaults(AttentionConfig config, ConfigSource source, FaultKind kind, double rate, string option)
    {
        var (bits, columns) = FaultMaps.Population(config);
        var population = (kind != FaultKind.DeadColumn ? bits : 0) + (kind != FaultKind.StuckAt ? columns : 0);
        var expected = rate * population;
        if (expected <= Limits.MaxFaults)
        {
            return null;
        }

        // Rounded down to three digits, so the rate the fix names is itself accepted.
        var most = Limits.MaxFaults / (double)population;
        var step = Math.Pow(10, Math.Floor(Math.Log10(most)) - 2);
        most = Math.Floor(most / step) * step;
        var what = kind switch
        {
            FaultKind.StuckAt => $"{bits:N0} stored bits",
            FaultKind.DeadColumn => $"{columns:N0} ADC columns",
            _ => $"{bits:N0} stored bits and {columns:N0} ADC columns",
        };
        return string.Create(CultureInfo.InvariantCulture,
            $"error: {option} {Text(rate)} draws about {expected:N0} faults over the {what} of {source.DisplayName}, more than the {Limits.MaxFaults:N0} " +
            $"entries a fault map may hold. Fix: use a rate of at most {Text(most)} on {source.DisplayName}, or a smaller configuration.");
    }

    private static readonly string[] Columns =
        ["rate", "stuck bits", "dead columns", "cosine (median)", "cosine (worst)", "mean error (LSB)", "max error (LSB, median)", "max error (LSB, worst)"];

    private static IEnumerable<string[]> Cells(IEnumerable<FaultSweepRow> rows) => rows.Select(r => new[]
    {
        Text(r.Rate), r.MedianStuckBits.ToString("0.#", CultureInfo.InvariantCulture), r.MedianDeadColumns.ToString("0.#", CultureInfo.InvariantCulture),
        r.MedianCosine.ToString("0.000000", CultureInfo.InvariantCulture), r.WorstCosine.ToString("0.000000", CultureInfo.InvariantCulture),
        r.MedianMeanErrorLsb.ToString("0.00", CultureInfo.InvariantCulture), r.MedianMaxErrorLsb.ToString("0.0", CultureInfo.InvariantCulture),
        r.WorstMaxErrorLsb.ToString("0.0", CultureInfo.InvariantCulture),
    });

    internal static string Table(string header, IReadOnlyList<FaultSweepRow> rows, string replay)
    {
        var cells = Cells(rows).ToList();
        var widths = Columns.Select((c, i) => Math.Max(c.Length, cells.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToList();
        string Line(IReadOnlyList<string> row) => string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd() + "\n";
        return header + "\n" + Line(Columns) + string.Concat(cells.Select(Line)) + "replay: " + replay + "\n";
    }

    internal static string Markdown(string header, IReadOnlyList<FaultSweepRow> rows, string replay) =>
        header + "\n\n| " + string.Join(" | ", Columns) + " |\n|" + string.Concat(Columns.Select((_, i) => i == 0 ? "---|" : "---:|")) + "\n" +
        string.Concat(Cells(rows).Select(r => "| " + string.Join(" | ", r) + " |\n")) + "\nReplay: `" + replay + "`\n";

    /// <summary>A rate as written on the command line: 0.001, 1e-5.</summary>
    private static string Text(double rate) =>
        rate.ToString("G4", CultureInfo.InvariantCulture).Replace("E-0", "e-", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal);

    private static string Describe(AttentionConfig config)
    {
        var (bits, columns) = FaultMaps.Population(config);
        return $"{bits:N0} stored bits and {columns:N0} ADC columns";
    }
}
