using System.Text;
using System.Text.Json;
using Nanogate.Core.Catalog;
using Nanogate.Core.Images;
using Nanogate.Core.Requests;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Reads the core <see cref="ImageRequest"/> out of a GenerateContentRequest, for channels that do not speak
/// Gemini serving a Gemini-dialect caller: the user turns' text is the prompt, their inline images the
/// references, <c>imageConfig</c> the shape. Only used off the passthrough path.
/// </summary>
public static class GeminiBodyReader
{
    /// <summary>The core request, or null when the body has no prompt text.</summary>
    public static ImageRequest? ToImageRequest(ReadOnlySpan<byte> body, ModelInfo model)
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var prompt = new StringBuilder();
            var images = new List<ReferenceImage>();
            if (Get(root, "contents", "contents") is { ValueKind: JsonValueKind.Array } contents)
            {
                foreach (var content in contents.EnumerateArray())
                {
                    if (Get(content, "role", "role") is { ValueKind: JsonValueKind.String } role && !role.ValueEquals("user"))
                    {
                        continue;
                    }

                    if (Get(content, "parts", "parts") is not { ValueKind: JsonValueKind.Array } parts)
                    {
                        continue;
                    }

                    foreach (var part in parts.EnumerateArray())
                    {
                        if (Get(part, "text", "text") is { ValueKind: JsonValueKind.String } text)
                        {
                            prompt.Append(prompt.Length > 0 ? "\n" : "").Append(text.GetString());
                        }
                        else if (Get(part, "inlineData", "inline_data") is { ValueKind: JsonValueKind.Object } inline
                            && Get(inline, "data", "data") is { ValueKind: JsonValueKind.String } data
                            && data.TryGetBytesFromBase64(out var bytes)
                            && ImageSniffer.TryIdentify(bytes, out var info))
                        {
                            images.Add(new ReferenceImage(bytes, info.MimeType, info.Width, info.Height));
                        }
                    }
                }
            }

            if (prompt.Length == 0)
            {
                return null;
            }

            AspectRatio? ratio = null;
            var size = model.DefaultSize;
            if (Get(root, "generationConfig", "generation_config") is { ValueKind: JsonValueKind.Object } config
                && Get(config, "imageConfig", "image_config") is { ValueKind: JsonValueKind.Object } imageConfig)
            {
                if (Get(imageConfig, "aspectRatio", "aspect_ratio") is { ValueKind: JsonValueKind.String } r && AspectRatio.TryParse(r.GetString(), out var parsed) && model.Supports(parsed))
                {
                    ratio = parsed;
                }

                if (Get(imageConfig, "imageSize", "image_size") is { ValueKind: JsonValueKind.String } s && ImageSizes.TryParseWire(s.GetString(), out var tier))
                {
                    size = model.EffectiveSize(tier);
                }
            }

            return new ImageRequest { Model = model, Prompt = prompt.ToString(), AspectRatio = ratio, Size = size, ReferenceImages = images };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement? Get(JsonElement element, string camel, string snake) =>
        element.ValueKind == JsonValueKind.Object && (element.TryGetProperty(camel, out var value) || element.TryGetProperty(snake, out value)) ? value : null;
}
