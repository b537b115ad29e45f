using System.Globalization;

namespace AttentionLego.Gen.Reporting;

/// <summary>One bar as drawn: its value and its rectangle [X0, X1) x [Y0, Y1) on the canvas (empty when the value is 0).</summary>
public sealed record PlotBar(string Label, double Value, int X0, int Y0, int X1, int Y1);

/// <summary>A drawn chart: the canvas, every bar's rectangle, the plot area and the y of an optional reference line.</summary>
public sealed record PlotImage(Canvas Canvas, IReadOnlyList<PlotBar> Bars, int PlotLeft, int PlotTop, int PlotRight, int Baseline, int? ReferenceY)
{
    public byte[] ToPng() => PngEncoder.Encode(Canvas);
}

/// <summary>
/// Two small charts drawn with <see cref="Canvas"/>: a bar chart with an optional dashed reference line (cycles per
/// stage against the ideal bound) and a histogram. The axis starts at 0 and ends at a round number above the largest
/// value; every label is computed from the data. Same data, same pixels.
/// </summary>
public static class Plot
{
    public const int Width = 640;
    public const int Height = 400;
    private const int Left = 80;
    private const int Right = 24;
    private const int Top = 44;
    private const int Bottom = 64;
    public static readonly Rgb Background = Rgb.White;
    public static readonly Rgb BarColour = Rgb.Blue;
    public static readonly Rgb ReferenceColour = Rgb.Red;

    /// <summary>
    /// A bar per (label, value), in order, evenly spaced; with <paramref name="reference"/>, a dashed line at that value
    /// labelled with its name. Bars whose colour is given use it; the others <see cref="BarColour"/>.
    /// </summary>
    public static PlotImage Bars(string title, string yLabel, IReadOnlyList<(string Label, double Value, Rgb? Colour)> bars,
        (string Label, double Value)? reference = null)
    {
        if (bars.Count == 0 || bars.Any(b => b.Value < 0 || !double.IsFinite(b.Value)))
        {
            throw new ArgumentException("a bar chart needs at least one bar, every value finite and at least 0", nameof(bars));
        }

        var canvas = Frame(title, yLabel, out var plot);
        var top = NiceCeiling(Math.Max(bars.Max(b => b.Value), reference?.Value ?? 0));
        YAxis(canvas, plot, top);
        var slot = (plot.Right - plot.Left) / bars.Count;
        var drawn = new List<PlotBar>();
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value, colour) = bars[i];
            var x0 = plot.Left + (i * slot) + (slot / 6);
            var x1 = plot.Left + ((i + 1) * slot) - (slot / 6);
            var y0 = Y(plot, top, value);
            canvas.FillRect(x0, y0, x1, plot.Baseline, colour ?? BarColour);
            drawn.Add(new PlotBar(label, value, x0, y0, x1, plot.Baseline));
            canvas.TextCentred((x0 + x1) / 2, Math.Max(plot.Top, y0 - 10), value.ToString("0.#", CultureInfo.InvariantCulture), Rgb.Black);
            canvas.TextCentred((x0 + x1) / 2, plot.Baseline + 8, label, Rgb.Black);
        }

        int? referenceY = null;
        if (reference is { } r)
        {
            referenceY = Y(plot, top, r.Value);
            canvas.HLine(plot.Left + 1, plot.Right, referenceY.Value, ReferenceColour, dash: 6);
            canvas.HLine(plot.Left + 1, plot.Right, referenceY.Value + 1, ReferenceColour, dash: 6);
            // The legend sits above the plot, right-aligned, where no bar or value label can cover it.
            var text = $"- - {r.Label} {Number(r.Value)}";
            canvas.Text(plot.Right - BitmapFont.Width(text), plot.Top - 16, text, ReferenceColour);
        }

        Axes(canvas, plot);
        return new PlotImage(canvas, drawn, plot.Left, plot.Top, plot.Right, plot.Baseline, referenceY);
    }

    /// <summary>
    /// A histogram of <paramref name="values"/> (all at least 0) in bins of a round width that cover 0 .. max in at most
    /// <paramref name="maxBins"/> bins; bin i counts the values in [i w, (i + 1) w), the last bin includes its upper edge.
    /// </summary>
    public static PlotImage Histogram(string title, string xLabel, IReadOnlyList<double> values, int maxBins = 20)
    {
        var (width, counts) = Bin(values, maxBins);
        var canvas = Frame(title, "count", out var plot);
        var top = NiceCeiling(counts.Max());
        YAxis(canvas, plot, top);
        var slot = (plot.Right - plot.Left) / counts.Length;
        var drawn = new List<PlotBar>();
        var labelEvery = Math.Max(1, (int)Math.Ceiling(counts.Length * 40.0 / (plot.Right - plot.Left)));
        for (var i = 0; i < counts.Length; i++)
        {
            var x0 = plot.Left + (i * slot) + 1;
            var x1 = plot.Left + ((i + 1) * slot) - 1;
            var y0 = Y(plot, top, counts[i]);
            canvas.FillRect(x0, y0, x1, plot.Baseline, BarColour);
            drawn.Add(new PlotBar(Number(i * width), counts[i], x0, y0, x1, plot.Baseline));
        }

        for (var i = 0; i <= counts.Length; i += labelEvery)
        {
            var x = plot.Left + (i * slot);
            canvas.VLine(x, plot.Baseline, plot.Baseline + 3, Rgb.Black);
            canvas.TextCentred(x, plot.Baseline + 8, Number(i * width), Rgb.Black);
        }

        canvas.TextCentred((plot.Left + plot.Right) / 2, plot.Baseline + 30, xLabel, Rgb.Black);
        Axes(canvas, plot);
        return new PlotImage(canvas, drawn, plot.Left, plot.Top, plot.Right, plot.Baseline, null);
    }

    /// <summary>The bin width (1, 2 or 5 times a power of ten) and the count of each bin.</summary>
    public static (double Width, int[] Counts) Bin(IReadOnlyList<double> values, int maxBins)
    {
        if (values.Count == 0 || values.Any(v => v < 0 || !double.IsFinite(v)) || maxBins < 1)
        {
            throw new ArgumentException("a histogram needs at least one value, every value finite and at least 0", nameof(values));
        }

        var max = values.Max();
        var width = max == 0 ? 1 : NiceStep(max / maxBins);
        var bins = Math.Max(1, (int)Math.Ceiling(max / width));
        while (bins > maxBins)
        {
            width = NiceStep(width * 1.01);
            bins = Math.Max(1, (int)Math.Ceiling(max / width));
        }

        var counts = new int[bins];
        foreach (var v in values)
        {
            counts[Math.Min(bins - 1, (int)Math.Floor(v / width))]++;
        }

        return (width, counts);
    }

    /// <summary>The smallest 1, 2 or 5 times a power of ten that is at least <paramref name="value"/> (1 for 0).</summary>
    public static double NiceStep(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var m in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (m * power >= value * (1 - 1e-12))
            {
                return m * power;
            }
        }

        return 10 * power;
    }

    /// <summary>
    /// The top of an axis that shows <paramref name="value"/>: the smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a
    /// power of ten that is at least as large (its quarters, the tick labels, stay short).
    /// </summary>
    public static double NiceCeiling(double value)
    {
        if (value <= 0)
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return new[] { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 }.Select(m => m * power).First(top => top >= value * (1 - 1e-12));
    }

    /// <summary>Invariant, at most three decimals, no trailing zeros.</summary>
    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private readonly record struct Area(int Left, int Top, int Right, int Baseline);

    private static Canvas Frame(string title, string yLabel, out Area plot)
    {
        var canvas = new Canvas(Width, Height, Background);
        canvas.TextCentred(Width / 2, 12, title, Rgb.Black, scale: 2);
        canvas.Text(8, Top - 16, yLabel, Rgb.Black);
        plot = new Area(Left, Top, Width - Right, Height - Bottom);
        return canvas;
    }

    private static void YAxis(Canvas canvas, Area plot, double top)
    {
        for (var i = 0; i <= 4; i++)
        {
            var value = top * i / 4;
            var y = Y(plot, top, value);
            canvas.HLine(plot.Left - 4, plot.Left, y, Rgb.Black);
            var text = Number(value);
            canvas.Text(plot.Left - 8 - BitmapFont.Width(text), y - 3, text, Rgb.Black);
        }
    }

    private static void Axes(Canvas canvas, Area plot)
    {
        canvas.VLine(plot.Left, plot.Top, plot.Baseline, Rgb.Black);
        canvas.HLine(plot.Left, plot.Right, plot.Baseline, Rgb.Black);
    }

    /// <summary>The canvas row of <paramref name="value"/> on an axis from 0 (the baseline) to <paramref name="top"/>.</summary>
    private static int Y(Area plot, double top, double value) =>
        plot.Baseline - (int)Math.Round((plot.Baseline - plot.Top) * Math.Clamp(value / top, 0, 1), MidpointRounding.AwayFromZero);
}
