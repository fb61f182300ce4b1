using System.Buffers.Binary;
using System.IO.Compression;
using Nanogate.Core.Images;
using Nanogate.Upstreams.Simulator;

namespace Nanogate.Tests.Simulator;

public class PngWriterTests
{
    [Theory]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.NoCompression)]
    public void Encoded_png_is_sniffed_with_its_size_and_inflates_back_to_the_pixels(CompressionLevel level)
    {
        var (width, height) = (7, 5);
        var rgb = new byte[width * height * 3];
        new Random(1).NextBytes(rgb);

        var png = PngWriter.Encode(width, height, rgb, level);

        Assert.True(ImageSniffer.TryIdentify(png, out var info));
        Assert.Equal(new ImageInfo(ImageFormat.Png, "image/png", width, height), info);
        Assert.Equal(rgb, Decode(png, out var decodedWidth, out var decodedHeight));
        Assert.Equal((width, height), (decodedWidth, decodedHeight));
    }

    [Fact]
    public void Huffman_only_options_give_the_same_pixels()
    {
        var rgb = new byte[3 * 64 * 3];
        new Random(2).NextBytes(rgb);

        var png = PngWriter.Encode(64, 3, rgb, new ZLibCompressionOptions { CompressionLevel = 6, CompressionStrategy = ZLibCompressionStrategy.HuffmanOnly });

        Assert.Equal(rgb, Decode(png, out _, out _));
    }

    [Fact]
    public void Ihdr_says_8_bit_truecolour_and_every_chunk_crc_is_right()
    {
        var png = PngWriter.Encode(3, 2, new byte[18], CompressionLevel.Fastest);

        var chunks = Chunks(png).ToList();
        Assert.Equal(["IHDR", "IDAT", "IEND"], chunks.Select(c => c.Type));
        var ihdr = chunks[0].Data;
        Assert.Equal(13, ihdr.Length);
        Assert.Equal([8, 2, 0, 0, 0], ihdr[8..]);
        Assert.All(chunks, c => Assert.Equal(c.Crc, PngWriter.Crc32([.. System.Text.Encoding.ASCII.GetBytes(c.Type), .. c.Data])));
        Assert.Equal(0xAE426082u, chunks[2].Crc); // the well-known CRC of an empty IEND
    }

    [Fact]
    public void Pixel_count_mismatch_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => PngWriter.Encode(2, 2, new byte[11], CompressionLevel.Fastest));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngWriter.Encode(0, 2, [], CompressionLevel.Fastest));
    }

    /// <summary>Inflates IDAT and undoes filters 0 (None) and 1 (Sub), the ones the writer may use.</summary>
    internal static byte[] Decode(byte[] png, out int width, out int height)
    {
        var chunks = Chunks(png).ToList();
        width = BinaryPrimitives.ReadInt32BigEndian(chunks[0].Data);
        height = BinaryPrimitives.ReadInt32BigEndian(chunks[0].Data.AsSpan(4));
        using var compressed = new MemoryStream(chunks.Where(c => c.Type == "IDAT").SelectMany(c => c.Data).ToArray());
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var filtered = raw.ToArray();

        var stride = width * 3;
        Assert.Equal((stride + 1) * height, filtered.Length);
        var rgb = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = filtered[y * (stride + 1)];
            Assert.True(filter is 0 or 1, $"row {y} uses filter {filter}");
            for (var x = 0; x < stride; x++)
            {
                var value = filtered[(y * (stride + 1)) + 1 + x];
                var left = filter == 1 && x >= 3 ? rgb[(y * stride) + x - 3] : 0;
                rgb[(y * stride) + x] = (byte)(value + left);
            }
        }

        return rgb;
    }

    private static IEnumerable<(string Type, byte[] Data, uint Crc)> Chunks(byte[] png)
    {
        var position = 8;
        while (position < png.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            var type = System.Text.Encoding.ASCII.GetString(png, position + 4, 4);
            var data = png.AsSpan(position + 8, length).ToArray();
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position + 8 + length));
            yield return (type, data, crc);
            position += 12 + length;
        }
    }
}
