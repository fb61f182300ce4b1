namespace Nanogate.Client;

/// <summary>Turns local image bytes into the <c>data:</c> URIs that <see cref="ImageTaskRequest.ImageUrls"/> carries.</summary>
public static class ImageReference
{
    /// <summary>The media type of PNG, JPEG or WebP bytes judged by their first bytes (as the server judges them), or null.</summary>
    public static string? SniffMediaType(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        return bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes[8..12].SequenceEqual("WEBP"u8) ? "image/webp" : null;
    }

    /// <summary>A <c>data:{type};base64,…</c> URI of <paramref name="bytes"/>; the type is sniffed when not given.</summary>
    /// <exception cref="ArgumentException">The bytes are not PNG, JPEG or WebP and no type was given.</exception>
    public static string ToDataUri(ReadOnlySpan<byte> bytes, string? mediaType = null)
    {
        mediaType ??= SniffMediaType(bytes) ?? throw new ArgumentException("The image is not PNG, JPEG or WebP.", nameof(bytes));
        return $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";
    }

    /// <summary>Reads an image file into a <c>data:</c> URI (type judged from its bytes).</summary>
    /// <exception cref="ArgumentException">The file is not PNG, JPEG or WebP.</exception>
    public static async Task<string> FromFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        var type = SniffMediaType(bytes) ?? throw new ArgumentException($"{path} is not a PNG, JPEG or WebP image.", nameof(path));
        return ToDataUri(bytes, type);
    }
}
