using System.Buffers;
using System.Text.Json;
using Nanogate.Core.Catalog;
using Nanogate.Core.Requests;

namespace Nanogate.Upstreams.Gemini;

/// <summary>Writes the GenerateContentRequest for one image of an <see cref="ImageRequest"/>.</summary>
public static class GeminiRequestBuilder
{
    /// <summary>
    /// camelCase JSON as Google documents it, in a buffer sized for it up front and handed over without a copy:
    /// with 14 references of 10 MB the body is ~187 MB, and a copy (ToArray) would double it for a moment.
    /// </summary>
    public static ReadOnlyMemory<byte> Build(ImageRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A prompt character is at most 6 bytes escaped (\uXXXX); base64 is 4 bytes per 3.
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(int.MaxValue, 1024 + (request.Prompt.Length * 6L) + request.ReferenceImages.Sum(r => ((r.Data.Length + 2L) / 3 * 4) + 64)));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("contents");
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteStartArray("parts");
            w.WriteStartObject();
            w.WriteString("text", request.Prompt);
            w.WriteEndObject();
            foreach (var image in request.ReferenceImages)
            {
                w.WriteStartObject();
                w.WriteStartObject("inlineData");
                w.WriteString("mimeType", image.MimeType);
                w.WriteBase64String("data", image.Data);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();

            w.WriteStartObject("generationConfig");
            w.WriteStartArray("responseModalities");
            w.WriteStringValue("TEXT");
            w.WriteStringValue("IMAGE");
            w.WriteEndArray();
            w.WriteStartObject("imageConfig");
            w.WriteString("aspectRatio", request.EffectiveRatio.ToString());
            // A model with a single tier renders it by default (and 2.5 Flash Image rejects imageSize).
            if (request.Model.Sizes.Count > 1)
            {
                w.WriteString("imageSize", request.Size.ToWire());
            }

            w.WriteEndObject();
            if (request.ThinkingLevel is { } level && request.Model.Thinking == ThinkingSupport.Levels)
            {
                w.WriteStartObject("thinkingConfig");
                w.WriteString("thinkingLevel", level.ToUpperInvariant());
                w.WriteEndObject();
            }

            w.WriteEndObject();
            if (request.Search && request.Model.SupportsSearch)
            {
                w.WriteStartArray("tools");
                w.WriteStartObject();
                w.WriteStartObject("googleSearch");
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
