using System.Buffers.Binary;
using Nanogate.Core.Images;

namespace Nanogate.Tests.Images;

public class ImageSnifferTests
{
    [Fact]
    public void Png_header_gives_its_ihdr_size()
    {
        Assert.True(ImageSniffer.TryIdentify(Png(1376, 768), out var info));
        Assert.Equal(new ImageInfo(ImageFormat.Png, "image/png", 1376, 768), info);
    }

    [Fact]
    public void Png_cut_inside_ihdr_is_rejected()
    {
        var png = Png(10, 10);
        Assert.False(ImageSniffer.TryIdentify(png.AsSpan(0, 20), out _));
        Assert.False(ImageSniffer.TryIdentify(png.AsSpan(0, 8), out _));
    }

    [Fact]
    public void Png_without_ihdr_first_or_with_zero_width_is_rejected()
    {
        var png = Png(10, 10);
        png[12] = (byte)'X';
        Assert.False(ImageSniffer.TryIdentify(png, out _));
        Assert.False(ImageSniffer.TryIdentify(Png(0, 10), out _));
    }

    [Fact]
    public void Jpeg_with_app0_then_sof0_gives_the_frame_size()
    {
        Assert.True(ImageSniffer.TryIdentify(Jpeg(0xC0, 1200, 896), out var info));
        Assert.Equal(new ImageInfo(ImageFormat.Jpeg, "image/jpeg", 1200, 896), info);
    }

    [Fact]
    public void Jpeg_skips_exif_tables_and_fill_bytes_to_a_progressive_frame()
    {
        var exif = Segment(0xE1, new byte[5000]);
        var dqt = Segment(0xDB, new byte[65]);
        var dht = Segment(0xC4, new byte[30]);
        byte[] bytes = [0xFF, 0xD8, .. exif, 0xFF, .. dqt, .. dht, .. Sof(0xC2, 4096, 3072), 0xFF, 0xDA, 0, 2];

        Assert.True(ImageSniffer.TryIdentify(bytes, out var info));
        Assert.Equal((4096, 3072), (info.Width, info.Height));
    }

    [Fact]
    public void Jpeg_truncated_anywhere_before_the_frame_size_is_rejected_without_throwing()
    {
        var jpeg = Jpeg(0xC0, 640, 480);
        // The frame header (19 bytes) is followed by 4 bytes of SOS; its width ends 9 bytes into it.
        var dimensionsEnd = jpeg.Length - 4 - 19 + 9;
        for (var length = 0; length < dimensionsEnd; length++)
        {
            Assert.False(ImageSniffer.TryIdentify(jpeg.AsSpan(0, length), out _), $"length {length}");
        }

        Assert.True(ImageSniffer.TryIdentify(jpeg.AsSpan(0, dimensionsEnd), out var info));
        Assert.Equal((640, 480), (info.Width, info.Height));
    }

    [Fact]
    public void Jpeg_whose_scan_starts_before_any_frame_is_rejected()
    {
        byte[] bytes = [0xFF, 0xD8, .. Segment(0xE0, new byte[14]), .. Segment(0xDA, new byte[10]), .. Sof(0xC0, 10, 10)];
        Assert.False(ImageSniffer.TryIdentify(bytes, out _));
    }

    [Fact]
    public void Jpeg_with_a_segment_length_below_two_is_rejected()
    {
        byte[] bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01, .. Sof(0xC0, 10, 10)];
        Assert.False(ImageSniffer.TryIdentify(bytes, out _));
    }

    [Fact]
    public void Webp_lossy_vp8_gives_its_frame_size()
    {
        byte[] data = [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, .. Le16(1024), .. Le16(768)];
        Assert.True(ImageSniffer.TryIdentify(Riff("VP8 ", data), out var info));
        Assert.Equal(new ImageInfo(ImageFormat.Webp, "image/webp", 1024, 768), info);
    }

    [Fact]
    public void Webp_lossless_vp8l_gives_its_size()
    {
        var bits = (uint)(848 - 1) | ((uint)(1264 - 1) << 14);
        byte[] data = [0x2F, .. Le32(bits)];
        Assert.True(ImageSniffer.TryIdentify(Riff("VP8L", data), out var info));
        Assert.Equal((848, 1264), (info.Width, info.Height));
    }

    [Fact]
    public void Webp_extended_vp8x_gives_its_canvas_size()
    {
        byte[] data = [0x10, 0, 0, 0, .. Le24(5504 - 1), .. Le24(3072 - 1)];
        Assert.True(ImageSniffer.TryIdentify(Riff("VP8X", data), out var info));
        Assert.Equal((5504, 3072), (info.Width, info.Height));
    }

    [Fact]
    public void Webp_truncated_or_with_a_bad_start_code_is_rejected()
    {
        byte[] good = [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, .. Le16(64), .. Le16(64)];
        var webp = Riff("VP8 ", good);
        Assert.False(ImageSniffer.TryIdentify(webp.AsSpan(0, webp.Length - 1), out _));
        byte[] bad = [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2B, .. Le16(64), .. Le16(64)];
        Assert.False(ImageSniffer.TryIdentify(Riff("VP8 ", bad), out _));
        Assert.False(ImageSniffer.TryIdentify(Riff("VP8L", [0x2E, 0, 0, 0, 0]), out _));
    }

    [Fact]
    public void Gif_riff_wave_garbage_and_empty_input_are_not_images()
    {
        Assert.False(ImageSniffer.TryIdentify("GIF89a\x01\0\x01\0\0\0\0"u8, out _));
        Assert.False(ImageSniffer.TryIdentify("RIFF\x24\0\0\0WAVEfmt \x10\0\0\0"u8, out _));
        Assert.False(ImageSniffer.TryIdentify("<html><body>not an image</body></html>"u8, out _));
        Assert.False(ImageSniffer.TryIdentify([], out _));
        Assert.False(ImageSniffer.TryIdentify([0xFF, 0xD8], out _));
    }

    [Fact]
    public void Random_bytes_behind_valid_signatures_never_throw()
    {
        var random = new Random(42);
        byte[][] prefixes = [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0xFF, 0xD8, 0xFF], [.. "RIFF"u8, 0, 0, 0, 0, .. "WEBP"u8]];
        for (var i = 0; i < 3000; i++)
        {
            var tail = new byte[random.Next(0, 64)];
            random.NextBytes(tail);
            byte[] bytes = [.. prefixes[i % 3], .. tail];
            _ = ImageSniffer.TryIdentify(bytes, out _);
        }
    }

    private static byte[] Png(int width, int height)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8;
        bytes[25] = 2;
        return bytes;
    }

    /// <summary>SOI, a JFIF APP0, a DQT, a frame header and the start of a scan.</summary>
    private static byte[] Jpeg(byte sof, int width, int height)
    {
        byte[] jfif = [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0];
        return [0xFF, 0xD8, .. Segment(0xE0, jfif), .. Segment(0xDB, new byte[65]), .. Sof(sof, width, height), 0xFF, 0xDA, 0, 2];
    }

    private static byte[] Sof(byte marker, int width, int height) =>
        Segment(marker, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);

    private static byte[] Segment(byte marker, byte[] payload)
    {
        var length = payload.Length + 2;
        return [0xFF, marker, (byte)(length >> 8), (byte)length, .. payload];
    }

    private static byte[] Riff(string fourCc, byte[] chunk)
    {
        byte[] body = [.. "WEBP"u8, .. System.Text.Encoding.ASCII.GetBytes(fourCc), .. Le32((uint)chunk.Length), .. chunk];
        return [.. "RIFF"u8, .. Le32((uint)body.Length), .. body];
    }

    private static byte[] Le16(int value) => [(byte)value, (byte)(value >> 8)];

    private static byte[] Le24(int value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16)];

    private static byte[] Le32(uint value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)];
}
