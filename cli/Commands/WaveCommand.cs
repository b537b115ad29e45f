using System.CommandLine;
using System.Globalization;
using AttentionLego.Cosim.Waves;

namespace AttentionLego.Cli.Commands;

/// <summary><c>attnlego wave diff|show</c>: compare two waves cycle by cycle, or print a wave's values per cycle.</summary>
public static class WaveCommand
{
    public static Command Create(CliIo io) => new("wave", "Compare two VCD/FST waves cycle by cycle (diff) or print signals per cycle (show).")
    {
        DiffCommand(io),
        ShowCommand(io),
    };

    private static Command DiffCommand(CliIo io)
    {
        var expected = new Argument<string>("A") { Description = "The expected wave (.vcd, or .fst through fst2vcd)." };
        var actual = new Argument<string>("B") { Description = "The actual wave (.vcd or .fst)." };
        var common = new CommonOptions();
        var fromTime = (new Option<long?>("--from-time") { Description = "First clock edge time to compare, in A's timescale (inclusive)." }).AtLeast(0);
        var toTime = (new Option<long?>("--to-time") { Description = "Last clock edge time to compare, in A's timescale (inclusive)." }).AtLeast(0);
        var xWildcard = new Option<bool>("--x-wildcard") { Description = "An x or z bit in A (expected) matches any bit in B." };
        var listUnmatched = new Option<bool>("--list-unmatched")
        {
            Description = "List the signals found in only one file (default: counted in the summary; listed anyway for --signals, where they fail the diff).",
        };
        var maxReport = (new Option<int>("--max-report") { Description = "Divergent signals to print (the summary counts all).", DefaultValueFactory = _ => 50 }).AtLeast(0);

        var command = new Command("diff", "Compare wave A (expected) with wave B (actual), aligned on the rising edges of A's clock.") { expected, actual };
        common.AddTo(command);
        command.With(fromTime, toTime, xWildcard, maxReport, listUnmatched);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, () => Refusing(io, async () =>
        {
            var a = await WaveFiles.LoadAsync(parse.GetValue(expected)!, ct);
            var b = await WaveFiles.LoadAsync(parse.GetValue(actual)!, ct);
            var signals = parse.GetValue(common.Signals) ?? [];
            var result = VcdDiff.Compare(a, b, new VcdDiffOptions
            {
                Clock = parse.GetValue(common.Clock),
                Signals = signals,
                FromCycle = parse.GetValue(common.FromCycle),
                ToCycle = parse.GetValue(common.ToCycle),
                FromTime = parse.GetValue(fromTime),
                ToTime = parse.GetValue(toTime),
                XWildcard = parse.GetValue(xWildcard),
            }, ct);
            if (result.Cycles.Count == 0)
            {
                throw new WaveException($"no rising edge of {result.Clock} in {a.Source} falls inside the window and inside the range {b.Source} dumps " +
                                        $"(#{b.FirstTime}..#{b.LastTime} in {b.Timescale}), so nothing was compared. Fix: widen --from/--to, or check that B covers A's run.");
            }

            if (result.SignalsCompared == 0)
            {
                // A diff of nothing is no verdict: "no divergence" would pass two dumps of unrelated designs.
                await io.Err.WriteLineAsync(NothingInCommon(a, b, result, signals.Length > 0));
                return ExitCodes.CheckFailed;
            }

            if (result.SignalsChecked == 0)
            {
                // Only the clock, or (with --x-wildcard, where an expected x accepts anything) an A that is all x: nothing checked.
                await io.Err.WriteLineAsync($"error: nothing was compared: of the {result.SignalsCompared} signal(s) {a.Source} (A) and {b.Source} (B) share, " +
                                            $"none but the clock {result.Clock} has a known (0 or 1) value in A over cycles {result.Cycles[0].Number}..{result.Cycles[^1].Number}" +
                                            (parse.GetValue(xWildcard) ? ", and --x-wildcard lets an x in A accept any value" : "") + ". " +
                                            "Fix: compare a window in which A has values (--from-cycle, --to-cycle) and signals besides the clock (--signals), " +
                                            "or drop --x-wildcard to require x in B too.");
                return ExitCodes.CheckFailed;
            }

            var max = parse.GetValue(maxReport);
            foreach (var d in result.Divergences.Take(max))
            {
                var note = d.Note is null ? "" : $" ({d.Note})";
                await io.Out.WriteLineAsync($"{d.Signal}: first divergence at cycle {d.Cycle} (time {d.Time}): A={WaveCycles.Format(d.Expected)} B={WaveCycles.Format(d.Actual)}{note}");
            }

            if (result.Divergences.Count > max)
            {
                await io.Out.WriteLineAsync($"... and {result.Divergences.Count - max} more divergent signals (--max-report {max})");
            }

            // Golden waves hold a few ports and an RTL dump every signal: by default only count what one file lacks.
            var unmatched = parse.GetValue(listUnmatched)
                ? new[] { ("only in A", result.OnlyInA), ("only in B", result.OnlyInB) }
                : signals.Length > 0 ? [("only in A", result.OnlyInA)] : [];
            foreach (var (label, names) in unmatched)
            {
                foreach (var name in names.Take(max))
                {
                    await io.Out.WriteLineAsync($"{label}: {name}");
                }

                if (names.Count > max)
                {
                    await io.Out.WriteLineAsync($"{label}: ... and {names.Count - max} more");
                }
            }

            // A signal asked for that A (expected) has must be in B too; B may hold more (an RTL dump holds every net, golden
            // waves a few ports). By default only the common signals are compared.
            var missing = signals.Length > 0 ? result.OnlyInA.Count : 0;
            var (first, last) = (result.Cycles[0], result.Cycles[^1]);
            var span = $"cycles {first.Number}..{last.Number} (time {first.Time}..{last.Time} {a.Timescale}, {result.Cycles.Count} edges of {result.Clock})";
            var extra = result.OnlyInA.Count + result.OnlyInB.Count > 0
                ? $"; {result.OnlyInA.Count} only in A, {result.OnlyInB.Count} only in B{(unmatched.Length == 0 ? " (--list-unmatched lists them)" : "")}"
                : "";
            await io.Out.WriteLineAsync(result.Identical
                ? $"no divergence: {result.SignalsCompared} signals over {span}{extra}"
                : $"{result.Divergences.Count} of {result.SignalsCompared} signals diverge over {span}{extra}");
            return result.Identical && missing == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
        })));
        return command;
    }

    private static Command ShowCommand(CliIo io)
    {
        var file = new Argument<string>("FILE") { Description = "The wave (.vcd, or .fst through fst2vcd)." };
        var common = new CommonOptions();
        common.Signals.Required = true;
        var command = new Command("show", "Print signals of a wave once per clock cycle, sampled just before each rising edge.") { file };
        common.AddTo(command);
        command.SetAction((parse, ct) => CliApp.Guard(io, ct, () => Refusing(io, async () =>
        {
            var wave = await WaveFiles.LoadAsync(parse.GetValue(file)!, ct);
            var clock = WaveCycles.ResolveClock(wave, parse.GetValue(common.Clock));
            var globs = parse.GetValue(common.Signals)!;
            var columns = new List<VcdVariable>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var glob in globs)
            {
                var matched = wave.Variables.Where(v => WaveCycles.Matches(glob, v.FullName)).ToList();
                if (matched.Count == 0)
                {
                    throw new WaveException($"--signals \"{glob}\" matches no signal of {wave.Source}. Fix: globs match full dotted names such as " +
                                            $"{WaveCycles.Normalize(wave.Variables.FirstOrDefault()?.FullName ?? "tb.u_dut.o_valid")} ('*' any run, '?' one character).");
                }

                columns.AddRange(matched.Where(v => seen.Add(WaveCycles.Normalize(v.FullName))));
            }

            var cycles = WaveCycles.Cycles(clock.Signal, parse.GetValue(common.FromCycle), parse.GetValue(common.ToCycle));
            List<string[]> rows = [["cycle", "time", .. columns.Select(c => WaveCycles.Normalize(c.FullName))]];
            foreach (var c in cycles)
            {
                rows.Add([
                    c.Number.ToString(CultureInfo.InvariantCulture), c.Time.ToString(CultureInfo.InvariantCulture),
                    .. columns.Select(v => WaveCycles.Format(v.Signal.ValueBefore(c.Time), v.Signal.IsReal)),
                ]);
            }

            var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var row in rows)
            {
                await io.Out.WriteLineAsync(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
            }

            await io.Out.WriteLineAsync($"{cycles.Count} cycles of {WaveCycles.Normalize(clock.FullName)} (time in {wave.Timescale}, values sampled just before each rising edge)");
            return ExitCodes.Ok;
        })));
        return command;
    }

    /// <summary>The message of a diff that compared no signal: the counts on each side, one name of each, and the fix.</summary>
    private static string NothingInCommon(VcdFile a, VcdFile b, VcdDiffResult result, bool selected)
    {
        static string Example(IReadOnlyList<string> names, string side) => names.Count == 0 ? $"{side} has none" : $"{side} has e.g. {names[0]}";
        var scope = selected ? " that --signals selects" : "";
        return $"error: nothing was compared: {a.Source} (A) and {b.Source} (B) have no signal{scope} in common " +
               $"({result.OnlyInA.Count} in A, {result.OnlyInB.Count} in B; {Example(result.OnlyInA, "A")}, {Example(result.OnlyInB, "B")}; " +
               "names match in full, apart from a leading TOP.), so no divergence would mean nothing. " +
               "Fix: name signals both files dump with --signals, or check that the two files dump the same design (the same bench, hierarchy and names).";
    }

    /// <summary>A missing or malformed wave file, or a clock or glob that names nothing: a message with the fix, exit 2 (like <c>regress merge</c>).</summary>
    private static async Task<int> Refusing(CliIo io, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception ex) when (ex is VcdFormatException or WaveException or IOException or UnauthorizedAccessException)
        {
            // An input file that cannot be read is the caller's to fix (there is no output to fail on).
            var fix = ex is VcdFormatException ? " Fix: the file is not a valid VCD (IEEE 1364-2005 §18); regenerate it, or check that the dump finished." : "";
            var message = ex.Message.EndsWith('.') ? ex.Message : ex.Message + ".";
            await io.Err.WriteLineAsync("error: " + (ex is VcdFormatException ? "malformed wave file " : "") + message + fix);
            return ExitCodes.Usage;
        }
    }

    /// <summary>The options <c>diff</c> and <c>show</c> share.</summary>
    private sealed class CommonOptions
    {
        public Option<string?> Clock { get; } = new("--clock") { Description = "A's clock (full name or glob); default: the first signal named clk_i or clk." };

        public Option<string[]> Signals { get; } = new("--signals")
        {
            Description = "Globs over full dotted names ('*', '?'; a leading TOP. is optional), several allowed. Default (diff): every signal in both files.",
            AllowMultipleArgumentsPerToken = true,
        };

        public Option<long?> FromCycle { get; } = (new Option<long?>("--from-cycle") { Description = "First cycle (0 = the first rising edge), inclusive." }).AtLeast(0);

        public Option<long?> ToCycle { get; } = (new Option<long?>("--to-cycle") { Description = "Last cycle, inclusive." }).AtLeast(0);

        public void AddTo(Command command) => command.With(Clock, Signals, FromCycle, ToCycle);
    }
}
