using System.Globalization;
using System.Text;

namespace AttentionLego.Bench;

/// <summary>One timed quantity: the value of each run in <see cref="Unit"/>; reported as the median and the spread.</summary>
public sealed record Sample(string Name, string Unit, IReadOnlyList<double> Values, string Note = "")
{
    /// <summary>Why there are no values (e.g. a simulator option another branch adds), or null when measured.</summary>
    public string? NotMeasured { get; init; }

    public double Median => Stats.Median(Values);

    public static Sample Skipped(string name, string reason, string note = "") => new(name, "", [], note) { NotMeasured = reason };

    public static readonly string[] Headers = ["measurement", "runs", "median", "min .. max", "note"];

    public string[] Cells() => NotMeasured is { } why
        ? [Name, "0", "not measured: " + why, "", Note]
        : [Name, Values.Count.ToString(CultureInfo.InvariantCulture), $"{Number.Format(Median)} {Unit}",
            $"{Number.Format(Values.Min())} .. {Number.Format(Values.Max())}", Note];
}

/// <summary>A titled table of the report.</summary>
public sealed record Section(string Title, IReadOnlyList<string> Headers, IReadOnlyList<string[]> Rows, string Note = "")
{
    public static Section Of(string title, IReadOnlyList<Sample> samples, string note = "") =>
        new(title, Sample.Headers, [.. samples.Select(s => s.Cells())], note);
}

public enum Verdict
{
    Pass,
    Fail,
    NotMeasured,
}

/// <summary>A target of issue 7 with the value measured against it.</summary>
public sealed record TargetResult(string Name, string Goal, string Measured, Verdict Verdict)
{
    public string Label => Verdict switch
    {
        Verdict.Pass => "PASS",
        Verdict.Fail => "FAIL",
        _ => "NOT MEASURED",
    };

    public static TargetResult AtLeast(string name, double measured, double threshold, string unit) =>
        new(name, $">= {Number.Goal(threshold)}{unit}", $"{Number.Format(measured)}{unit}", measured >= threshold ? Verdict.Pass : Verdict.Fail);

    public static TargetResult AtMost(string name, double measured, double threshold, string unit) =>
        new(name, $"<= {Number.Goal(threshold)}{unit}", $"{Number.Format(measured)}{unit}", measured <= threshold ? Verdict.Pass : Verdict.Fail);

    public static TargetResult Holds(string name, string goal, bool holds, string measured) =>
        new(name, goal, measured, holds ? Verdict.Pass : Verdict.Fail);

    public static TargetResult Unmeasured(string name, string goal, string reason) => new(name, goal, "not measured: " + reason, Verdict.NotMeasured);
}

/// <summary>Everything one bench run found: the machine, the tables and the targets; printed as text and written as Markdown.</summary>
public sealed record BenchReport(IReadOnlyList<(string Key, string Value)> Machine, string Date, string Command, string RunsNote,
    IReadOnlyList<Section> Sections, IReadOnlyList<TargetResult> Targets)
{
    public static readonly string[] TargetHeaders = ["target", "goal", "measured", "verdict"];

    public IReadOnlyList<TargetResult> Missed => [.. Targets.Where(t => t.Verdict == Verdict.Fail)];

    /// <summary>One line: every measured target met, or loudly which ones missed.</summary>
    public string Summary
    {
        get
        {
            var measured = Targets.Count(t => t.Verdict != Verdict.NotMeasured);
            var unmeasured = Targets.Count - measured;
            var tail = unmeasured == 0 ? "" : $"; {unmeasured} not measured";
            return Missed.Count == 0
                ? $"all {measured} measured targets met{tail}"
                : $"*** TARGETS MISSED ({Missed.Count} of {measured}): {string.Join("; ", Missed.Select(t => $"{t.Name}: {t.Measured}, goal {t.Goal}"))} ***{tail}";
        }
    }

    private string[][] TargetRows => [.. Targets.Select(t => new[] { t.Name, t.Goal, t.Measured, t.Label })];

    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var section in Sections)
        {
            text.Append(section.Title).Append('\n').Append(Tables.Text(section.Headers, section.Rows));
            if (section.Note.Length > 0)
            {
                text.Append("  ").Append(section.Note).Append('\n');
            }

            text.Append('\n');
        }

        text.Append("Targets\n").Append(Tables.Text(TargetHeaders, TargetRows)).Append('\n').Append(Summary).Append('\n');
        return text.ToString();
    }

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.Append("# Benchmarks\n\n");
        md.Append("Measured by `scripts/bench.sh` (the console project `bench/AttentionLego.Bench`, timing in-process with `Stopwatch`). ");
        md.Append("These are measurements, not tests: a missed target is reported here, not failed in CI.\n\n");
        md.Append("Reproduce:\n\n```sh\n").Append(Command).Append("\n```\n\n");
        md.Append("## Machine\n\n");
        md.Append(Tables.Markdown(["", ""], [.. Machine.Select(m => new[] { m.Key, m.Value }), ["date (UTC)", Date]]));
        md.Append('\n').Append(RunsNote).Append("\n\n");
        md.Append("## Targets\n\n").Append(Tables.Markdown(TargetHeaders, TargetRows)).Append('\n').Append(Summary).Append("\n\n");
        foreach (var section in Sections)
        {
            md.Append("## ").Append(section.Title).Append("\n\n").Append(Tables.Markdown(section.Headers, section.Rows));
            if (section.Note.Length > 0)
            {
                md.Append('\n').Append(section.Note).Append('\n');
            }

            md.Append('\n');
        }

        return md.ToString().TrimEnd('\n') + "\n";
    }
}

/// <summary>Numbers as the report prints them: invariant culture, about four significant digits.</summary>
public static class Number
{
    public static string Format(double value) => Math.Abs(value) switch
    {
        >= 1000 => value.ToString("#,0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("0.0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("0.00", CultureInfo.InvariantCulture),
        >= 1 or 0 => value.ToString("0.000", CultureInfo.InvariantCulture),
        // Below 1, as many decimals as four significant digits need (a 2 ms golden model is 0.002386 s, not 0.002).
        var small => value.ToString("F" + Math.Min(12, 3 - (int)Math.Floor(Math.Log10(small))), CultureInfo.InvariantCulture),
    };

    /// <summary>A target's threshold as the issue states it: 20, 1.25.</summary>
    public static string Goal(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>Plain-text tables (columns padded to their widest cell) and Markdown tables.</summary>
public static class Tables
{
    public static string Text(IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        var widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(IReadOnlyList<string> cells) =>
            text.Append("  ").Append(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd()).Append('\n');
        Line(headers);
        Line([.. widths.Select(w => new string('-', w))]);
        foreach (var row in rows)
        {
            Line(row);
        }

        return text.ToString();
    }

    public static string Markdown(IReadOnlyList<string> headers, IReadOnlyList<string[]> rows)
    {
        static string Cell(string c) => c.Replace("|", "\\|", StringComparison.Ordinal);
        var md = new StringBuilder();
        md.Append("| ").Append(string.Join(" | ", headers.Select(Cell))).Append(" |\n");
        md.Append('|').Append(string.Concat(headers.Select(_ => "---|"))).Append('\n');
        foreach (var row in rows)
        {
            md.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
        }

        return md.ToString();
    }
}
