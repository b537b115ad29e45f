using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AttentionLego.Gen.Reporting;

/// <summary>
/// Writes a <see cref="Canvas"/> as a PNG (RFC 2083): signature, IHDR (8-bit truecolour, no interlace), one IDAT of
/// zlib-compressed scanlines (filter type 0 on every line) and IEND. No time or text chunks, and the compressor's
/// output depends only on its input, so the same canvas always gives the same bytes.
/// </summary>
public static class PngEncoder
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(Canvas canvas)
    {
        var rgb = canvas.ToRgbBytes();
        var stride = canvas.Width * 3;
        var raw = new byte[canvas.Height * (stride + 1)];
        for (var y = 0; y < canvas.Height; y++)
        {
            raw[y * (stride + 1)] = 0; // filter type None
            Array.Copy(rgb, y * stride, raw, (y * (stride + 1)) + 1, stride);
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)canvas.Width);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)canvas.Height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: truecolour
        // compression 0 (deflate), filter method 0, interlace 0: already zero

        using var png = new MemoryStream();
        png.Write(Signature);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        stream.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Compute([.. typeBytes, .. data]));
        stream.Write(word);
    }
}

/// <summary>CRC-32 of PNG and zlib's gzip (ISO 3309: reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF).</summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
