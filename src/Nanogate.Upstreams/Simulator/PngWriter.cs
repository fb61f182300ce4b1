using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// A minimal PNG encoder for 8-bit RGB pixels: signature, IHDR, one IDAT, IEND. Written here
/// because the package mirror has no imaging library, and the simulator needs nothing more.
/// </summary>
internal static class PngWriter
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// Encodes <paramref name="rgb"/> (rows top to bottom, 3 bytes a pixel, no padding) as a PNG.
    /// Every row uses the Sub filter, which suits the smooth gradients the simulator draws.
    /// </summary>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgb, CompressionLevel level) =>
        Encode(width, height, rgb, output => new ZLibStream(output, level, leaveOpen: true));

    /// <summary>
    /// Encodes with explicit zlib options, e.g. <see cref="ZLibCompressionStrategy.HuffmanOnly"/>, which
    /// entropy-codes noisy pixels at nearly the size of a full search in a fraction of the time.
    /// </summary>
    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgb, ZLibCompressionOptions options) =>
        Encode(width, height, rgb, output => new ZLibStream(output, options, leaveOpen: true));

    private static byte[] Encode(int width, int height, ReadOnlySpan<byte> rgb, Func<Stream, ZLibStream> compressor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        var stride = checked(width * 3);
        if (rgb.Length != checked(stride * height))
        {
            throw new ArgumentException($"Expected {stride * height} bytes of RGB for {width}x{height}, got {rgb.Length}.", nameof(rgb));
        }

        using var output = new MemoryStream(capacity: 64 + (rgb.Length / 2));
        output.Write(Signature);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // colour type: truecolour
        ihdr[10] = 0; // compression: deflate
        ihdr[11] = 0; // filter method 0
        ihdr[12] = 0; // no interlace
        WriteChunk(output, "IHDR"u8, ihdr);

        // IDAT is compressed straight into the output after a placeholder length, then the
        // length and CRC are patched in: the compressed image is never copied around.
        var idatStart = (int)output.Position;
        output.Write([0, 0, 0, 0, (byte)'I', (byte)'D', (byte)'A', (byte)'T']);
        var row = ArrayPool<byte>.Shared.Rent(stride + 1);
        try
        {
            using (var zlib = compressor(output))
            {
                for (var y = 0; y < height; y++)
                {
                    FilterSub(rgb.Slice(y * stride, stride), row.AsSpan(0, stride + 1));
                    zlib.Write(row, 0, stride + 1);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(row);
        }

        var buffer = output.GetBuffer();
        var dataLength = (int)output.Position - idatStart - 8;
        BinaryPrimitives.WriteInt32BigEndian(buffer.AsSpan(idatStart), dataLength);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(buffer.AsSpan(idatStart + 4, dataLength + 4)));
        output.Write(crc);

        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    /// <summary>The CRC-32 (ISO 3309, as PNG uses it) of <paramref name="data"/>.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static void FilterSub(ReadOnlySpan<byte> source, Span<byte> row)
    {
        row[0] = 1; // filter type Sub: each byte minus the same channel of the pixel to its left
        source[..3].CopyTo(row[1..]);
        for (var i = 3; i < source.Length; i++)
        {
            row[i + 1] = (byte)(source[i] - source[i - 3]);
        }
    }

    private static void WriteChunk(MemoryStream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, data.Length);
        type.CopyTo(header[4..]);
        output.Write(header);
        output.Write(data);

        var crc = 0xFFFFFFFFu;
        foreach (var b in header[4..])
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        Span<byte> trailer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(trailer, crc ^ 0xFFFFFFFFu);
        output.Write(trailer);
    }

    private static uint[] BuildCrcTable()
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
