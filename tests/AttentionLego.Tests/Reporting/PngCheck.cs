using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace AttentionLego.Tests.Reporting;

/// <summary>
/// An independent PNG reader for the tests: checks the signature and every chunk's CRC with a bitwise CRC-32 (not the
/// encoder's table), and inflates IDAT into RGB pixels (filter type 0 only, which is all the encoder writes).
/// </summary>
public static class PngCheck
{
    public sealed record Png(int Width, int Height, byte BitDepth, byte ColourType, IReadOnlyList<string> Chunks, byte[] Raw)
    {
        public (byte R, byte G, byte B) Pixel(int x, int y)
        {
            var offset = (y * ((Width * 3) + 1)) + 1 + (x * 3);
            return (Raw[offset], Raw[offset + 1], Raw[offset + 2]);
        }
    }

    /// <summary>Reads <paramref name="bytes"/>; throws <see cref="InvalidDataException"/> naming the first problem.</summary>
    public static Png Read(byte[] bytes)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!bytes.Take(8).SequenceEqual(signature))
        {
            throw new InvalidDataException("bad PNG signature");
        }

        var chunks = new List<string>();
        var idat = new MemoryStream();
        int width = 0, height = 0;
        byte depth = 0, colour = 0;
        var at = 8;
        while (at < bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
            var type = Encoding.ASCII.GetString(bytes, at + 4, 4);
            var data = bytes.AsSpan(at + 8, length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 8 + length));
            var expected = BitwiseCrc(bytes.AsSpan(at + 4, 4 + length));
            if (crc != expected)
            {
                throw new InvalidDataException($"chunk {type} at byte {at}: CRC {crc:x8}, computed {expected:x8}");
            }

            chunks.Add(type);
            switch (type)
            {
                case "IHDR":
                    (width, height) = ((int)BinaryPrimitives.ReadUInt32BigEndian(data), (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]));
                    (depth, colour) = (data[8], data[9]);
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            at += 12 + length;
        }

        using var inflater = new ZLibStream(new MemoryStream(idat.ToArray()), CompressionMode.Decompress);
        var raw = new MemoryStream();
        inflater.CopyTo(raw);
        return new Png(width, height, depth, colour, chunks, raw.ToArray());
    }

    /// <summary>CRC-32 (ISO 3309) one bit at a time, straight from the PNG specification's definition.</summary>
    public static uint BitwiseCrc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
            }
        }

        return ~crc;
    }
}
