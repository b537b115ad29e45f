namespace AttentionLego.Gen.Reporting;

/// <summary>An 8-bit RGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static readonly Rgb White = new(255, 255, 255);
    public static readonly Rgb Black = new(0, 0, 0);
    public static readonly Rgb Grey = new(200, 200, 200);
    public static readonly Rgb Blue = new(52, 101, 164);
    public static readonly Rgb Orange = new(230, 120, 20);
    public static readonly Rgb Red = new(204, 0, 0);
    public static readonly Rgb Green = new(78, 154, 6);
}

/// <summary>
/// A raster of RGB pixels, origin top left, with the few drawing operations a plot needs: filled rectangles,
/// horizontal and vertical lines, and text in <see cref="BitmapFont"/>. Drawing outside the canvas is clipped.
/// </summary>
public sealed class Canvas
{
    private readonly Rgb[] _pixels;

    public Canvas(int width, int height, Rgb background)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"a canvas needs at least one pixel, got {width}x{height}");
        }

        (Width, Height) = (width, height);
        _pixels = new Rgb[width * height];
        Array.Fill(_pixels, background);
    }

    public int Width { get; }

    public int Height { get; }

    public Rgb this[int x, int y]
    {
        get => _pixels[(y * Width) + x];
        set => _pixels[(y * Width) + x] = value;
    }

    /// <summary>Fills the rectangle [x0, x1) x [y0, y1), clipped to the canvas.</summary>
    public void FillRect(int x0, int y0, int x1, int y1, Rgb colour)
    {
        for (var y = Math.Max(0, y0); y < Math.Min(Height, y1); y++)
        {
            for (var x = Math.Max(0, x0); x < Math.Min(Width, x1); x++)
            {
                this[x, y] = colour;
            }
        }
    }

    /// <summary>A horizontal line from x0 to x1 inclusive; with <paramref name="dash"/> &gt; 0, dashes of that many pixels.</summary>
    public void HLine(int x0, int x1, int y, Rgb colour, int dash = 0)
    {
        for (var x = Math.Min(x0, x1); x <= Math.Max(x0, x1); x++)
        {
            if (dash == 0 || (x - x0) / dash % 2 == 0)
            {
                Set(x, y, colour);
            }
        }
    }

    public void VLine(int x, int y0, int y1, Rgb colour)
    {
        for (var y = Math.Min(y0, y1); y <= Math.Max(y0, y1); y++)
        {
            Set(x, y, colour);
        }
    }

    /// <summary>Text with its top-left corner at (x, y), each font pixel drawn as <paramref name="scale"/> x <paramref name="scale"/>.</summary>
    public void Text(int x, int y, string text, Rgb colour, int scale = 1)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var rows = BitmapFont.Glyph(text[i]);
            var left = x + (i * BitmapFont.Advance * scale);
            for (var r = 0; r < BitmapFont.GlyphHeight; r++)
            {
                for (var c = 0; c < BitmapFont.GlyphWidth; c++)
                {
                    if (rows[r][c] == '#')
                    {
                        FillRect(left + (c * scale), y + (r * scale), left + ((c + 1) * scale), y + ((r + 1) * scale), colour);
                    }
                }
            }
        }
    }

    /// <summary>Text centred on <paramref name="centreX"/>.</summary>
    public void TextCentred(int centreX, int y, string text, Rgb colour, int scale = 1) =>
        Text(centreX - (BitmapFont.Width(text, scale) / 2), y, text, colour, scale);

    /// <summary>The pixels row by row, three bytes (R, G, B) each: what <see cref="PngEncoder"/> writes.</summary>
    public byte[] ToRgbBytes()
    {
        var bytes = new byte[_pixels.Length * 3];
        for (var i = 0; i < _pixels.Length; i++)
        {
            (bytes[3 * i], bytes[(3 * i) + 1], bytes[(3 * i) + 2]) = (_pixels[i].R, _pixels[i].G, _pixels[i].B);
        }

        return bytes;
    }

    private void Set(int x, int y, Rgb colour)
    {
        if (x >= 0 && x < Width && y >= 0 && y < Height)
        {
            this[x, y] = colour;
        }
    }
}
