using System.Globalization;
using System.Text.Json.Nodes;
using System.Text;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Experiments;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Gen.Reporting;

/// <summary>One file of a report: its name inside the report folder and its bytes.</summary>
public sealed record ReportFile(string Name, byte[] Content);

/// <summary>
/// What <c>attnlego report</c> says about the Yosys cell statistics: the statistics, or one line saying why there
/// are none (skipped, Yosys missing, time limit) and how to get them.
/// </summary>
public sealed record SynthesisSection(SynthesisStats? Stats, string? Note)
{
    public static SynthesisSection Of(SynthesisStats stats) => new(stats, null);

    public static SynthesisSection Missing(string note) => new(null, note);
}

/// <summary>A built report: its files and the figures they were made from (for the command's summary and the tests).</summary>
public sealed record ConfigReportResult(IReadOnlyList<ReportFile> Files, HeadPerformance Performance, AccuracyMeasurement Accuracy,
    long TotalMacros, SynthesisSection Synthesis)
{
    public string Markdown => Encoding.UTF8.GetString(Files.Single(f => f.Name == ConfigReport.MarkdownName).Content);
}

/// <summary>
/// <c>report.md</c> with <c>cycles.png</c> and <c>error-histogram.png</c>: every key of a configuration, its sizes
/// (<see cref="DesignReport"/>'s tables and each matrix's accumulator), its cycles per stage and per token against the
/// ideal bound (<see cref="HeadPerformance"/>, the timing model co-simulation holds the RTL to), the softmax LUT's
/// error, its accuracy against the float reference (<see cref="Accuracy.Measure"/>), and the Yosys cell statistics
/// when given. Every figure is computed here; the same configuration, tokens, seed and statistics give the same bytes.
/// </summary>
public static class ConfigReport
{
    public const string MarkdownName = "report.md";
    public const string CyclesPlotName = "cycles.png";
    public const string HistogramPlotName = "error-histogram.png";

    /// <summary>The section headings of report.md, in order.</summary>
    public static readonly IReadOnlyList<string> Sections =
        ["## Parameters", "## Size", "## Derived sizes", "## Cycles", "## Decode", "## Softmax LUT", "## Accuracy", "## Yosys cell statistics"];

    /// <param name="config">A valid configuration.</param>
    /// <param name="name">What to call it (a preset name, a file name).</param>
    /// <param name="tokens">Tokens of the decode and of the accuracy run, 1..Model.MaxSeqLen.</param>
    /// <param name="seed">Seed of the accuracy run's inputs.</param>
    /// <param name="synthesis">The Yosys section.</param>
    /// <param name="replay">The command that makes this report again.</param>
    /// <param name="ct">Checked in the timing model and at least once per token of the accuracy run.</param>
    public static ConfigReportResult Build(AttentionConfig config, string name, int tokens, int seed, SynthesisSection synthesis, string replay,
        CancellationToken ct = default)
    {
        ConfigValidator.ThrowIfInvalid(config);
        var m = config.Model;
        if (tokens < 1 || tokens > m.MaxSeqLen)
        {
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens, $"must be 1..Model.MaxSeqLen ({m.MaxSeqLen})");
        }

        var perf = HeadPerformance.Measure(config, tokens, array: m.IsArray, skipLoad: true, ct: ct);
        var accuracy = Accuracy.Measure(config, seed, tokens, ct);
        var macros = TotalMacros(config);

        var text = new StringBuilder();
        void Line(FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');
        var hash = ConfigHash.Of(config);
        Line($"# AttentionLego report: {name} (config {hash})");
        Line($"");
        Line($"AttentionLego.Gen {GeneratorInfo.Version}; top module `{RtlBundle.TopModule(config)}`; a decode and an accuracy run of {tokens} token{(tokens > 1 ? "s" : "")}, seed {seed}. Every figure is computed by the generator's models. Replay: `{replay}`.");
        Line($"");
        text.Append(DesignReport.ConfigurationSection(config));

        Line($"## Parameters");
        Line($"");
        Line($"| key | value |");
        Line($"|---|---|");
        foreach (var (key, value) in Keys(ConfigJson.ToJsonObject(config), ""))
        {
            Line($"| `{key}` | {value} |");
        }

        Line($"");
        text.Append(DesignReport.SizeSection(config));
        DerivedSizes(config, macros, Line);
        text.Append(DesignReport.CyclesSection(config));
        Line($"");
        Decode(config, perf, Line);
        Lut(config, accuracy.Report.Lut, Line);
        AccuracySection(config, accuracy, Line);
        Synthesis(synthesis, Line);

        var files = new List<ReportFile>
        {
            new(MarkdownName, Encoding.UTF8.GetBytes(text.ToString())),
            new(CyclesPlotName, CyclesPlot(perf).ToPng()),
            new(HistogramPlotName, HistogramPlot(accuracy).ToPng()),
        };
        return new ConfigReportResult(files, perf, accuracy, macros, synthesis);
    }

    /// <summary>PIM macros of the whole design: Heads x (3 projections + K cache + V cache), plus W_O.</summary>
    public static long TotalMacros(AttentionConfig c) => new MacroLayout(c).Macros;

    /// <summary>The busy cycles of each stage per token, then the whole decode per token, against the ideal bound.</summary>
    public static PlotImage CyclesPlot(HeadPerformance perf)
    {
        double PerToken(long cycles) => (double)cycles / perf.Tokens;
        return Plot.Bars($"cycles per token, {perf.Tokens}-token decode", "cycles",
            [
                ("fetch", PerToken(perf.Fetch), null), ("qkv", PerToken(perf.Qkv), null), ("score", PerToken(perf.Score), null),
                ("softmax", PerToken(perf.Softmax), null), ("context", PerToken(perf.Context), null), ("write", PerToken(perf.Write), null),
                ("total", perf.CyclesPerToken, Rgb.Orange),
            ],
            ("ideal", perf.IdealCyclesPerToken));
    }

    public static PlotImage HistogramPlot(AccuracyMeasurement accuracy) =>
        Plot.Histogram($"output error vs float reference ({accuracy.ErrorsLsb.Length} outputs)",
            $"abs error in LSB of the output ({accuracy.OutputFractionBits} fraction bits)", accuracy.ErrorsLsb);

    private static IEnumerable<(string Key, string Value)> Keys(JsonObject obj, string prefix)
    {
        foreach (var (name, node) in obj)
        {
            if (node is JsonObject child)
            {
                foreach (var pair in Keys(child, prefix + name + "."))
                {
                    yield return pair;
                }
            }
            else
            {
                yield return (prefix + name, node!.ToJsonString().Trim('"'));
            }
        }
    }

    private static void DerivedSizes(AttentionConfig c, long macros, Action<FormattableString> line)
    {
        line($"## Derived sizes");
        line($"");
        line($"| matrix | per | inputs x outputs | macros (along input x along output) | accumulator bits | compute steps |");
        line($"|---|---|---|---|---|---|");
        var matrices = new List<(string Name, string Per, MatrixShape Shape)>
        {
            ("W_Q, W_K, W_V (each)", "head", c.ProjectionShape),
            ("K cache (scores)", "head", c.ScoreShape),
            ("V cache (context)", "head", c.ContextShape),
        };
        if (c.Model.OutputProjection)
        {
            matrices.Add(("W_O", "array", c.OutputProjectionShape));
        }

        foreach (var (name, per, s) in matrices)
        {
            line($"| {name} | {per} | {s.InDim} x {s.OutDim} | {s.MacroCount:N0} ({s.MacrosIn} x {s.MacrosOut}) | {s.AccWidth} | {s.ComputeSteps} |");
        }

        var layout = new MacroLayout(c);
        line($"");
        line($"PIM macros: {layout.PerHead:N0} per head x {c.Model.Heads} head{(c.Model.Heads > 1 ? "s" : "")}{(c.Model.OutputProjection ? $" + {layout.Output:N0} for W_O" : "")} = **{macros:N0}** in total, {c.Pim.Rows * c.Pim.Cols:N0} cells each.");
        var (adcMin, adcMax) = PimMath.AdcOutputRange(c);
        line($"A column sum of one slice needs {PimMath.ColumnSumBits(c.Pim.InputLanes, c.Pim.SliceBits, c.Format.WeightWidth)} bits; the ADC keeps {c.Pim.AdcBits} after a shift of {c.Pim.AdcShift} ({(PimMath.IsIdealAdc(c) ? "ideal: lossless" : "lossy")}; outputs {adcMin}..{adcMax}); an input takes {c.Slices} slice{(c.Slices > 1 ? "s" : "")} of {c.Pim.SliceBits} bits.");
        line($"");
    }

    private static void Decode(AttentionConfig c, HeadPerformance p, Action<FormattableString> line)
    {
        line($"## Decode");
        line($"");
        line($"A decode of {p.Tokens} token{(p.Tokens > 1 ? "s" : "")} with the weights loaded, memory latency {p.MemoryLatency}, no stalls (`ControlTiming` of {(c.Model.IsArray ? "al_array" : "al_top")}): **{p.CyclesPerToken:0.0} cycles per token** sustained, each token after the first ({p.AverageCyclesPerToken:0.0} on average with the first; first token alone {p.FirstTokenCycles}, last token {p.LastTokenCycles}), ideal bound {p.IdealCyclesPerToken:0.0}, ratio {p.RatioToIdeal:0.00}.");
        line($"");
        line($"| stage | busy cycles over the decode | per token |");
        line($"|---|---|---|");
        foreach (var (stage, cycles) in new[] { ("fetch", p.Fetch), ("Q/K/V projection", p.Qkv), ("scores", p.Score), ("softmax", p.Softmax), ("context", p.Context), ("write", p.Write) })
        {
            line($"| {stage} | {cycles:N0} | {(double)cycles / p.Tokens:0.0} |");
        }

        line($"| **decode (stages overlap)** | **{p.DecodeCycles:N0}** | **{p.AverageCyclesPerToken:0.0}** |");
        line($"| each token after the first | {p.DecodeCycles - p.FirstTokenCycles:N0} | {p.CyclesPerToken:0.0} |");
        line($"| ideal bound | {p.IdealCyclesPerToken * p.Tokens:N0} | {p.IdealCyclesPerToken:0.0} |");
        line($"");
        line($"![Busy cycles of each stage per token and the whole decode per token, against the ideal bound]({CyclesPlotName})");
        line($"");
    }

    private static void Lut(AttentionConfig c, LutAccuracy lut, Action<FormattableString> line)
    {
        line($"## Softmax LUT");
        line($"");
        line($"{lut.Entries} entries of {lut.ExpBits} bits, input step 2^-{lut.LutFracBits} of a logit ({c.Softmax.Mode} mode). Against 2^{lut.ExpBits} exp(-i / 2^{lut.LutFracBits}): max error {lut.MaxErrorLsb:0.000} LSB at entry {lut.MaxErrorIndex} (entry 0 = {lut.Entry0}), entries 1..{lut.Entries - 1} within {lut.MaxErrorPastZeroLsb:0.000} LSB; the tail past the table is {lut.TailLsb:0.00} LSB.");
        line($"");
    }

    private static void AccuracySection(AttentionConfig c, AccuracyMeasurement a, Action<FormattableString> line)
    {
        var r = a.Report;
        var s = r.Scales;
        line($"## Accuracy");
        line($"");
        line($"{(a.Array ? $"The array ({c.Model.Heads} heads{(c.Model.OutputProjection ? ", concatenated, then W_O" : ", concatenated")}, `MultiHeadAttention`) against `ArrayFloatReference`" : "The head (`AttentionHead`) against `FloatReference`")}, the same computation in double precision on the same de-quantized inputs (seeded Gaussian tokens and weights, `Accuracy.{(a.Array ? "DrawArray" : "Draw")}`). Errors are |o_int - o_float 2^f| in LSBs of the output, f = {a.OutputFractionBits} fraction bits (x {s.Fx}, W {s.Fw}, q {s.Fq}, k {s.Fk}, v {s.Fv}, head output {s.Fo}).");
        line($"");
        line($"| figure | value |");
        line($"|---|---|");
        line($"| outputs compared | {r.Outputs:N0} ({r.Tokens} tokens x {r.Outputs / r.Tokens}) |");
        line($"| cosine similarity | {r.Cosine:0.000000} |");
        line($"| smallest cosine of one token | {r.MinTokenCosine:0.000000} (token {r.MinCosineToken}) |");
        line($"| max error | {r.MaxErrorLsb:0.000} LSB |");
        line($"| mean error | {r.MeanErrorLsb:0.000} LSB |");
        line($"| rms of the float outputs | {r.OutputRmsLsb:0.0} LSB |");
        line($"| saturated outputs | {r.SaturatedOutputs} of {r.Outputs} (at a rail of {c.Format.DataWidth} bits; {r.FloatOutputsOutOfRange} float outputs lie outside that range) |");
        line($"| max probability error | {r.MaxProbabilityErrorLsb:0.000} LSB of 2^-{c.Softmax.ProbBits}{(a.Array ? ", over every head" : "")} |");
        line($"");
        var (width, counts) = Plot.Bin(a.ErrorsLsb, 20);
        line($"![Histogram of the output error in LSB against the float reference]({HistogramPlotName})");
        line($"");
        line($"Histogram bins of {Plot.Number(width)} LSB; the fullest holds {counts.Max()} outputs, {counts.Count(n => n > 0)} of {counts.Length} bins are used.");
        line($"");
    }

    private static void Synthesis(SynthesisSection section, Action<FormattableString> line)
    {
        line($"## Yosys cell statistics");
        line($"");
        if (section.Stats is not { } s)
        {
            line($"{section.Note}");
            return;
        }

        line($"{s.YosysVersion}, not flattened (`{s.Script}`): each module is counted once, the total counts every instance under `{s.Top}`.");
        line($"");
        line($"| module | instances | cells each | memory bits each |");
        line($"|---|---|---|---|");
        foreach (var module in s.Modules.OrderBy(x => x.Name, StringComparer.Ordinal))
        {
            line($"| `{module.Name}` | {module.Instances:N0} | {module.Cells:N0} | {module.MemoryBits:N0} |");
        }

        line($"| **total** | | **{s.TotalCells:N0}** | **{s.TotalMemoryBits:N0}** |");
        line($"");
        var types = s.TotalCellTypes.OrderByDescending(t => t.Value).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
        line($"Cell types in the whole design: {string.Join(", ", types.Select(t => $"`{t.Key}` {t.Value:N0}"))}.");
        line($"");
        line($"Latches: **{s.Latches}**{(s.Latches == 0 ? " (none, as it must be)" : ": every register must be clocked; this is a bug in the generated RTL")}. `check` found {s.CheckProblems} problem{(s.CheckProblems == 1 ? "" : "s")}{(s.CheckWarnings.Count > 0 ? ": " + string.Join("; ", s.CheckWarnings.Take(5)) : "")}.");
    }
}
