using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Nanogate.Core.Catalog;
using CacheKey = (string Prompt, string Model, Nanogate.Core.Catalog.AspectRatio Ratio, Nanogate.Core.Catalog.ImageSize Size, bool Draft);

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// Renders the simulator's deterministic images and keeps the latest ones encoded. The picture is a
/// diagonal gradient between two colours hashed from the prompt, a few hashed shapes, a readable
/// "NANOGATE SIMULATOR" mark with the model and size, and low-amplitude noise that makes the PNG
/// about as large as Google's (≈1 MB at 1K) so that gateway benchmarks move realistic payloads.
/// </summary>
internal sealed class SimulatedImageRenderer
{
    /// <summary>Entries kept by <see cref="Shared"/>.</summary>
    public const int DefaultCapacity = 32;

    /// <summary>
    /// Total pixels kept by <see cref="Shared"/> (≈2.4 bytes of PNG plus base64 per pixel): 32 images
    /// at 1K, but only a few at 4K, so the cache stays under ~200 MB whatever is asked.
    /// </summary>
    public const long DefaultMaxPixels = 80L * 1024 * 1024;

    // Noise per channel is -1, 0 or +1, and ±2 for NoiseTails of every 256 draws: tuned so a
    // 1024x1024 render encodes to about 1.05 MB, like Google's 1K PNGs.
    private const int NoiseTails = 12;

    private static readonly ZLibCompressionOptions Compression = new() { CompressionLevel = 6, CompressionStrategy = ZLibCompressionStrategy.HuffmanOnly };

    private readonly Lock _lock = new();
    private readonly int _capacity;
    private readonly long _maxPixels;
    private readonly Dictionary<CacheKey, LinkedListNode<(CacheKey Key, Lazy<SimulatedImage> Image, long Pixels)>> _entries = [];
    private readonly LinkedList<(CacheKey Key, Lazy<SimulatedImage> Image, long Pixels)> _recency = new();
    private long _cachedPixels;

    /// <summary>Creates a renderer whose cache holds at most <paramref name="capacity"/> images and <paramref name="maxPixels"/> pixels.</summary>
    public SimulatedImageRenderer(int capacity = DefaultCapacity, long maxPixels = DefaultMaxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _maxPixels = maxPixels;
    }

    /// <summary>The process-wide renderer the endpoints use.</summary>
    public static SimulatedImageRenderer Shared { get; } = new();

    /// <summary>Images currently cached.</summary>
    public int CachedCount
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// The image for a prompt, model, ratio and size (made effective for the model), from the cache
    /// when possible. Concurrent requests for the same image render it once. A draft is the
    /// half-size "thought" image shown before the final one.
    /// </summary>
    public SimulatedImage GetOrRender(string prompt, ModelInfo model, AspectRatio ratio, ImageSize size, bool draft = false)
    {
        var effective = model.EffectiveSize(size);
        var pixels = PixelsFor(model, ratio, effective, draft);
        CacheKey key = (prompt, model.Id, ratio, effective, draft);
        Lazy<SimulatedImage> image;
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                image = node.Value.Image;
            }
            else
            {
                image = new Lazy<SimulatedImage>(() => Render(prompt, model.Id, ratio, pixels, draft), LazyThreadSafetyMode.ExecutionAndPublication);
                var weight = (long)pixels.Width * pixels.Height;
                _entries[key] = _recency.AddFirst((key, image, weight));
                _cachedPixels += weight;

                // The newest entry always stays, even when it alone is over the pixel budget.
                while (_recency.Count > 1 && (_recency.Count > _capacity || _cachedPixels > _maxPixels))
                {
                    var oldest = _recency.Last!.Value;
                    _recency.RemoveLast();
                    _entries.Remove(oldest.Key);
                    _cachedPixels -= oldest.Pixels;
                }
            }
        }

        return image.Value;
    }

    /// <summary>Renders and encodes an image without the cache.</summary>
    public static SimulatedImage Render(string prompt, string modelId, AspectRatio ratio, PixelSize pixels, bool draft = false)
    {
        var length = checked(pixels.Width * pixels.Height * 3);
        var rgb = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = rgb.AsSpan(0, length);
            Paint(span, prompt, modelId, ratio, pixels, draft);
            var png = PngWriter.Encode(pixels.Width, pixels.Height, span, Compression);
            var base64 = new byte[Base64.GetMaxEncodedToUtf8Length(png.Length)];
            Base64.EncodeToUtf8(png, base64, out _, out var written);
            return new SimulatedImage(pixels, png, written == base64.Length ? base64 : base64[..written]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgb);
        }
    }

    /// <summary>Paints the RGB pixels (rows top to bottom, 3 bytes a pixel) of an image.</summary>
    public static void Paint(Span<byte> rgb, string prompt, string modelId, AspectRatio ratio, PixelSize pixels, bool draft)
    {
        int w = pixels.Width, h = pixels.Height;
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(prompt), hash);
        var random = new SplitMix64(BinaryPrimitives.ReadUInt64LittleEndian(hash));

        var hue = (int)(random.Next() % 360);
        var from = FromHsv(hue, 0.55, 0.92);
        var to = FromHsv((hue + 120 + (int)(random.Next() % 120)) % 360, 0.65, 0.42);
        PaintGradient(rgb, w, h, from, to);

        var shapes = 4 + (int)(random.Next() % 4);
        for (var i = 0; i < shapes; i++)
        {
            PaintShape(rgb, w, h, ref random);
        }

        PaintMark(rgb, w, h, modelId, $"{w}X{h}  {ratio}{(draft ? "  DRAFT" : "")}");
        PaintNoise(rgb, new SplitMix64(BinaryPrimitives.ReadUInt64LittleEndian(hash[8..])));
    }

    /// <summary>The pixels rendered for a request: the catalog's exact size, or half of it for a draft.</summary>
    public static PixelSize PixelsFor(ModelInfo model, AspectRatio ratio, ImageSize size, bool draft)
    {
        var full = model.PixelsFor(ratio, size);
        return draft ? new PixelSize(Math.Max(1, full.Width / 2), Math.Max(1, full.Height / 2)) : full;
    }

    private static void PaintGradient(Span<byte> rgb, int w, int h, (int R, int G, int B) from, (int R, int G, int B) to)
    {
        for (var y = 0; y < h; y++)
        {
            var row = rgb.Slice(y * w * 3, w * 3);
            var ty = (int)(y * 256L / h);
            for (var x = 0; x < w; x++)
            {
                var t = ((int)(x * 256L / w) + ty) / 2; // 0..255 along the diagonal
                row[(x * 3) + 0] = (byte)(from.R + ((to.R - from.R) * t / 256));
                row[(x * 3) + 1] = (byte)(from.G + ((to.G - from.G) * t / 256));
                row[(x * 3) + 2] = (byte)(from.B + ((to.B - from.B) * t / 256));
            }
        }
    }

    private static void PaintShape(Span<byte> rgb, int w, int h, ref SplitMix64 random)
    {
        var small = Math.Min(w, h);
        var cx = (int)(random.Next() % (ulong)w);
        var cy = (int)(random.Next() % (ulong)h);
        var radius = Math.Max(2, (small / 12) + (int)(random.Next() % (ulong)Math.Max(1, small / 4)));
        var circle = random.Next() % 2 == 0;
        var (r, g, b) = FromHsv((int)(random.Next() % 360), 0.6, 0.9);
        var alpha = 80 + (int)(random.Next() % 80); // of 256

        int x0 = Math.Max(0, cx - radius), x1 = Math.Min(w - 1, cx + radius);
        int y0 = Math.Max(0, cy - radius), y1 = Math.Min(h - 1, cy + radius);
        var r2 = (long)radius * radius;
        for (var y = y0; y <= y1; y++)
        {
            var dy = (long)(y - cy) * (y - cy);
            for (var x = x0; x <= x1; x++)
            {
                if (circle && ((long)(x - cx) * (x - cx)) + dy > r2)
                {
                    continue;
                }

                var p = ((y * w) + x) * 3;
                rgb[p] = Blend(rgb[p], r, alpha);
                rgb[p + 1] = Blend(rgb[p + 1], g, alpha);
                rgb[p + 2] = Blend(rgb[p + 2], b, alpha);
            }
        }
    }

    /// <summary>Draws the mark on a darkened band across the middle: large title, then model and size.</summary>
    private static void PaintMark(Span<byte> rgb, int w, int h, string modelId, string details)
    {
        const string title = "NANOGATE SIMULATOR";
        var titleScale = Math.Max(1, Math.Min(w * 86 / 100 / SimulatorFont.MeasureWidth(title), h / 9 / SimulatorFont.GlyphHeight));
        var widest = Math.Max(SimulatorFont.MeasureWidth(modelId), SimulatorFont.MeasureWidth(details));
        var detailScale = Math.Max(1, Math.Min(Math.Max(1, titleScale / 2), w * 90 / 100 / widest));

        var gap = Math.Max(2, titleScale * 3);
        var blockHeight = (SimulatorFont.GlyphHeight * titleScale) + gap + (2 * SimulatorFont.GlyphHeight * detailScale) + (gap / 2);
        var top = Math.Max(0, (h - blockHeight) / 2);

        // A darkened band keeps white text readable on any hashed background.
        var bandTop = Math.Max(0, top - gap);
        var bandBottom = Math.Min(h, top + blockHeight + gap);
        for (var y = bandTop; y < bandBottom; y++)
        {
            foreach (ref var channel in rgb.Slice(y * w * 3, w * 3))
            {
                channel = (byte)(channel * 3 / 10);
            }
        }

        var y1 = top + (SimulatorFont.GlyphHeight * titleScale) + gap;
        var y2 = y1 + (SimulatorFont.GlyphHeight * detailScale) + (gap / 2);
        PaintText(rgb, w, h, title, top, titleScale, (250, 250, 250));
        PaintText(rgb, w, h, modelId.ToUpperInvariant(), y1, detailScale, (255, 214, 90));
        PaintText(rgb, w, h, details, y2, detailScale, (200, 230, 255));
    }

    private static void PaintText(Span<byte> rgb, int w, int h, string text, int top, int scale, (byte R, byte G, byte B) colour)
    {
        var left = (w - (SimulatorFont.MeasureWidth(text) * scale)) / 2;
        for (var i = 0; i < text.Length; i++)
        {
            var glyph = SimulatorFont.Glyph(text[i]);
            var glyphLeft = left + (i * SimulatorFont.Advance * scale);
            for (var row = 0; row < SimulatorFont.GlyphHeight; row++)
            {
                for (var col = 0; col < SimulatorFont.GlyphWidth; col++)
                {
                    if ((glyph[row] & (0x10 >> col)) != 0)
                    {
                        FillRect(rgb, w, h, glyphLeft + (col * scale), top + (row * scale), scale, colour);
                    }
                }
            }
        }
    }

    private static void FillRect(Span<byte> rgb, int w, int h, int x, int y, int size, (byte R, byte G, byte B) colour)
    {
        // Clipped: on the narrowest ratios the details line may be wider than the image.
        int x0 = Math.Max(0, x), x1 = Math.Min(w, x + size);
        int y0 = Math.Max(0, y), y1 = Math.Min(h, y + size);
        for (var yy = y0; yy < y1; yy++)
        {
            for (var xx = x0; xx < x1; xx++)
            {
                var p = ((yy * w) + xx) * 3;
                rgb[p] = colour.R;
                rgb[p + 1] = colour.G;
                rgb[p + 2] = colour.B;
            }
        }
    }

    private static void PaintNoise(Span<byte> rgb, SplitMix64 random)
    {
        // Maps a random byte to a noise value; a table keeps the loop free of divisions.
        Span<sbyte> table = stackalloc sbyte[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = (sbyte)(i < NoiseTails ? -2 : i < 2 * NoiseTails ? 2 : ((i - (2 * NoiseTails)) % 3) - 1);
        }

        var i8 = 0;
        ulong bits = 0;
        foreach (ref var channel in rgb)
        {
            if (i8 == 0)
            {
                bits = random.Next();
                i8 = 8;
            }

            channel = (byte)Math.Clamp(channel + table[(int)(bits & 0xFF)], 0, 255);
            bits >>= 8;
            i8--;
        }
    }

    private static byte Blend(byte under, int over, int alpha) => (byte)(((under * (256 - alpha)) + (over * alpha)) >> 8);

    private static (int R, int G, int B) FromHsv(int hue, double saturation, double value)
    {
        var c = value * saturation;
        var x = c * (1 - Math.Abs((hue / 60.0 % 2) - 1));
        var m = value - c;
        var (r, g, b) = (hue / 60) switch
        {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        return ((int)((r + m) * 255), (int)((g + m) * 255), (int)((b + m) * 255));
    }
}
