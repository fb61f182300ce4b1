using System.Buffers.Binary;

namespace Nanogate.Core.Images;

/// <summary>
/// Identifies PNG, JPEG and WebP images from their signatures and reads their dimensions from the
/// headers, without decoding pixels. Declared content types are never trusted: callers upload
/// arbitrary bytes, so only what the bytes themselves say counts.
/// </summary>
public static class ImageSniffer
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Identifies <paramref name="bytes"/> as a PNG, JPEG or WebP image with positive dimensions.
    /// Returns false (never throws) for any other format, a truncated header or inconsistent lengths.
    /// </summary>
    public static bool TryIdentify(ReadOnlySpan<byte> bytes, out ImageInfo info)
    {
        if (bytes.StartsWith(PngSignature))
        {
            return TryPng(bytes, out info);
        }

        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return TryJpeg(bytes, out info);
        }

        if (bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8))
        {
            return TryWebp(bytes, out info);
        }

        info = default;
        return false;
    }

    private static bool TryPng(ReadOnlySpan<byte> bytes, out ImageInfo info)
    {
        info = default;

        // IHDR must be the first chunk and is exactly 13 bytes long; width and height open it.
        if (bytes.Length < 8 + 8 + 13
            || BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]) != 13
            || !bytes[12..16].SequenceEqual("IHDR"u8))
        {
            return false;
        }

        return Create(ImageFormat.Png, "image/png", BinaryPrimitives.ReadUInt32BigEndian(bytes[16..]), BinaryPrimitives.ReadUInt32BigEndian(bytes[20..]), out info);
    }

    private static bool TryJpeg(ReadOnlySpan<byte> bytes, out ImageInfo info)
    {
        info = default;
        var pos = 2;
        while (true)
        {
            // Markers may be preceded by any number of 0xFF fill bytes.
            if (pos >= bytes.Length || bytes[pos] != 0xFF)
            {
                return false;
            }

            while (pos < bytes.Length && bytes[pos] == 0xFF)
            {
                pos++;
            }

            if (pos >= bytes.Length)
            {
                return false;
            }

            var marker = bytes[pos++];

            // Standalone markers carry no length: TEM, RSTn, and a stray SOI.
            if (marker is 0x01 or 0xD8 or (>= 0xD0 and <= 0xD7))
            {
                continue;
            }

            // End of image or start of scan before any frame header: no dimensions to find.
            if (marker is 0xD9 or 0xDA || pos + 2 > bytes.Length)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes[pos..]);
            if (length < 2)
            {
                return false;
            }

            // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                // length(2) precision(1) height(2) width(2)
                if (length < 7 || pos + 7 > bytes.Length)
                {
                    return false;
                }

                var height = BinaryPrimitives.ReadUInt16BigEndian(bytes[(pos + 3)..]);
                var width = BinaryPrimitives.ReadUInt16BigEndian(bytes[(pos + 5)..]);
                return Create(ImageFormat.Jpeg, "image/jpeg", width, height, out info);
            }

            pos += length;
        }
    }

    private static bool TryWebp(ReadOnlySpan<byte> bytes, out ImageInfo info)
    {
        info = default;
        if (bytes.Length < 20)
        {
            return false;
        }

        var fourCc = bytes[12..16];
        var chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..]);
        var data = bytes[20..];

        if (fourCc.SequenceEqual("VP8 "u8))
        {
            // Lossy: a 3-byte frame tag (bit 0 clear on a key frame), the start code 9D 01 2A,
            // then 14-bit width and height (the top two bits are scaling).
            if (chunkSize < 10 || data.Length < 10 || (data[0] & 1) != 0
                || data[3] != 0x9D || data[4] != 0x01 || data[5] != 0x2A)
            {
                return false;
            }

            var width = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]) & 0x3FFF;
            var height = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]) & 0x3FFF;
            return Create(ImageFormat.Webp, "image/webp", (uint)width, (uint)height, out info);
        }

        if (fourCc.SequenceEqual("VP8L"u8))
        {
            // Lossless: signature 0x2F, then width-1 and height-1 as 14-bit fields, little-endian bit order.
            if (chunkSize < 5 || data.Length < 5 || data[0] != 0x2F)
            {
                return false;
            }

            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[1..]);
            return Create(ImageFormat.Webp, "image/webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, out info);
        }

        if (fourCc.SequenceEqual("VP8X"u8))
        {
            // Extended: flags(1) reserved(3), then canvas width-1 and height-1 as 24-bit little-endian.
            if (chunkSize < 10 || data.Length < 10)
            {
                return false;
            }

            var width = data[4] | (data[5] << 8) | (data[6] << 16);
            var height = data[7] | (data[8] << 8) | (data[9] << 16);
            return Create(ImageFormat.Webp, "image/webp", (uint)width + 1, (uint)height + 1, out info);
        }

        return false;
    }

    private static bool Create(ImageFormat format, string mimeType, uint width, uint height, out ImageInfo info)
    {
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
        {
            info = default;
            return false;
        }

        info = new ImageInfo(format, mimeType, (int)width, (int)height);
        return true;
    }
}
