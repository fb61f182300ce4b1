using System.Text.Encodings.Web;
using System.Text.Json;

namespace Nanogate.TestSupport;

/// <summary>The recorded Google traffic in <c>tests/Fixtures/google-recordings</c> (in the repository), found by walking up from the test binaries.</summary>
internal static class GoogleRecordings
{
    public const string ImageResponse = "GenerateContentResponseConfigTest.GenerateContentResponseModalityImageGeminiTest.json";
    public const string ImageStream = "GenerateContentStreamResponseConfigTest.GenerateContentStreamResponseModalityImageGeminiTest.json";
    public const string WrongModel = "GenerateImagesErrorHandlingTest.GenerateImagesWrongModelNameGeminiTest.json";

    private static readonly Lazy<string> Folder = new(FindFolder);

    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The response of the file's first interaction: its status and each body segment as compact one-line UTF-8 JSON.</summary>
    public static (int Status, IReadOnlyList<byte[]> Segments) Response(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Folder.Value, file)));
        var response = document.RootElement.GetProperty("interactions")[0].GetProperty("response");
        var segments = new List<byte[]>();
        foreach (var segment in response.GetProperty("bodySegments").EnumerateArray())
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Compact))
            {
                segment.WriteTo(writer);
            }

            segments.Add(buffer.ToArray());
        }

        return (response.GetProperty("statusCode").GetInt32(), segments);
    }

    /// <summary>Every inlineData part's (mimeType, decoded bytes) and every text part, in order, as a DOM reader sees them.</summary>
    public static (List<(string MimeType, byte[] Data)> Images, List<string> Texts) PartsOf(byte[] segment)
    {
        using var document = JsonDocument.Parse(segment);
        var images = new List<(string, byte[])>();
        var texts = new List<string>();
        foreach (var candidate in document.RootElement.GetProperty("candidates").EnumerateArray().Take(1))
        {
            if (!candidate.GetProperty("content").TryGetProperty("parts", out var parts))
            {
                continue;
            }

            foreach (var part in parts.EnumerateArray())
            {
                if (part.TryGetProperty("inlineData", out var inline))
                {
                    images.Add((inline.GetProperty("mimeType").GetString()!, Convert.FromBase64String(inline.GetProperty("data").GetString()!)));
                }

                if (part.TryGetProperty("text", out var text))
                {
                    texts.Add(text.GetString()!);
                }
            }
        }

        return (images, texts);
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Fixtures", "google-recordings");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No tests/Fixtures/google-recordings above {AppContext.BaseDirectory}.");
    }
}
