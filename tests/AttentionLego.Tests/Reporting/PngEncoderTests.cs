using AttentionLego.Gen.Reporting;

namespace AttentionLego.Tests.Reporting;

public sealed class PngEncoderTests
{
    private static PlotImage ThreeBars() =>
        Plot.Bars("test", "cycles", [("a", 10, null), ("b", 0, null), ("c", 5, null)], ("ideal", 7.5));

    [Test]
    public void A_png_has_the_signature_an_ihdr_of_the_canvas_size_and_valid_crcs()
    {
        var png = PngCheck.Read(ThreeBars().ToPng());
        Assert.Multiple(() =>
        {
            Assert.That(png.Chunks, Is.EqualTo(new[] { "IHDR", "IDAT", "IEND" }));
            Assert.That((png.Width, png.Height), Is.EqualTo((Plot.Width, Plot.Height)));
            Assert.That((png.BitDepth, png.ColourType), Is.EqualTo(((byte)8, (byte)2)), "8-bit truecolour");
            Assert.That(png.Raw, Has.Length.EqualTo(Plot.Height * ((Plot.Width * 3) + 1)), "IDAT inflates to one filter byte and 3 bytes a pixel per row");
        });
    }

    [Test]
    public void The_crc_matches_the_specifications_check_value()
    {
        Assert.That(Crc32.Compute("123456789"u8), Is.EqualTo(0xCBF43926u));
        Assert.That(PngCheck.BitwiseCrc("123456789"u8), Is.EqualTo(0xCBF43926u));
        Assert.That(Crc32.Compute("IEND"u8), Is.EqualTo(0xAE426082u), "the CRC every PNG's IEND chunk carries");
    }

    [Test]
    public void The_checker_sees_a_corrupted_byte()
    {
        var bytes = ThreeBars().ToPng();
        bytes[45] ^= 0x01; // inside the IDAT data
        Assert.That(() => PngCheck.Read(bytes), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("CRC"));
    }

    [Test]
    public void The_same_chart_gives_identical_bytes()
    {
        Assert.That(ThreeBars().ToPng(), Is.EqualTo(ThreeBars().ToPng()));
        Assert.That(Plot.Bars("test", "cycles", [("a", 10, null), ("b", 1, null), ("c", 5, null)]).ToPng(), Is.Not.EqualTo(ThreeBars().ToPng()),
            "different data, different bytes");
    }

    [Test]
    public void Bars_are_coloured_where_they_stand_and_background_above_them()
    {
        var chart = ThreeBars();
        var png = PngCheck.Read(chart.ToPng());
        var blue = (Plot.BarColour.R, Plot.BarColour.G, Plot.BarColour.B);
        var white = (Plot.Background.R, Plot.Background.G, Plot.Background.B);
        var (a, b, c) = (chart.Bars[0], chart.Bars[1], chart.Bars[2]);
        Assert.Multiple(() =>
        {
            Assert.That(png.Pixel((a.X0 + a.X1) / 2, chart.Baseline - 5), Is.EqualTo(blue), "bar a at its foot");
            Assert.That(png.Pixel(a.X0 + 2, a.Y0 + 1), Is.EqualTo(blue), "bar a at its top");
            Assert.That(a.Y1 - a.Y0, Is.EqualTo(chart.Baseline - chart.PlotTop), "10 is the axis maximum: a full-height bar");
            Assert.That(c.Y1 - c.Y0, Is.EqualTo((chart.Baseline - chart.PlotTop) / 2).Within(1), "5 is half of it");
            Assert.That(png.Pixel(c.X0 + 2, c.Y0 - 20), Is.EqualTo(white), "above bar c");
            Assert.That(png.Pixel(c.X0 + 2, (c.Y0 + chart.Baseline) / 2), Is.EqualTo(blue), "inside bar c");
            Assert.That(Enumerable.Range(b.X0, b.X1 - b.X0).Select(x => png.Pixel(x, chart.Baseline - 3)), Has.All.EqualTo(white),
                "a bar of 0 draws nothing");
            Assert.That(png.Pixel(a.X1 + 2, chart.Baseline - 5), Is.EqualTo(white), "between bars");
            Assert.That(png.Pixel(chart.PlotLeft + 3, chart.ReferenceY!.Value), Is.EqualTo((Plot.ReferenceColour.R, Plot.ReferenceColour.G, Plot.ReferenceColour.B)),
                "the dashed reference line starts at the axis");
        });
    }

    [Test]
    public void A_histogram_bins_values_into_round_widths()
    {
        var (width, counts) = Plot.Bin([0, 0.05, 0.1, 0.34, 0.99, 1.0], 10);
        Assert.That(width, Is.EqualTo(0.1).Within(1e-12));
        Assert.That(counts, Is.EqualTo(new[] { 2, 1, 0, 1, 0, 0, 0, 0, 0, 2 }), "the last bin includes the maximum");
        Assert.That(Plot.NiceStep(0.03), Is.EqualTo(0.05).Within(1e-12));
        Assert.That(Plot.NiceStep(130), Is.EqualTo(200).Within(1e-9));
        Assert.That(Plot.NiceCeiling(1067.8), Is.EqualTo(1200).Within(1e-9), "an axis ends at a round number just above the data");
        Assert.That(Plot.NiceCeiling(10), Is.EqualTo(10).Within(1e-12));
        Assert.That(() => Plot.Bin([-1.0], 10), Throws.ArgumentException, "an error is never negative");
    }

    [Test]
    public void Every_character_of_the_plot_labels_is_in_the_font()
    {
        const string labels = "cycles per token, 32-token decode fetch qkv score softmax context write total ideal count output error vs float reference (512 outputs) abs error in LSB of the output (5 fraction bits) 0123456789.";
        Assert.That(labels.Where(ch => !BitmapFont.Has(ch)), Is.Empty);
        Assert.That(BitmapFont.Has('|'), Is.False, "and the font knows what it lacks");
    }
}
