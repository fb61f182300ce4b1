using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nanogate.Core.Catalog;
using Nanogate.Core.Images;
using Nanogate.Core.Requests;

namespace Nanogate.Gemini;

/// <summary>
/// Turns a caller's GenerateContentRequest into the one sent upstream: snake_case keys become
/// camelCase, enum values are upper-cased, and the request is checked against the catalog. What a
/// model cannot do is adjusted where Google's own aggregators adjust it (Lite's sizes, search on
/// models without it) and refused with a message that says what to fix otherwise.
/// </summary>
internal static class GeminiRequestPreparer
{
    // Keys whose values hold user-defined names (schemas, function arguments): their children keep their spelling.
    private static readonly HashSet<string> OpaqueValues = new(StringComparer.Ordinal)
    {
        "properties", "args", "response", "parametersJsonSchema", "responseJsonSchema", "labels", "metadata", "example", "default", "enum",
    };

    private static readonly HashSet<string> ImageMimeTypes = new(StringComparer.OrdinalIgnoreCase) { "image/png", "image/jpeg", "image/jpg", "image/webp" };

    /// <summary>Prepares <paramref name="root"/> for <paramref name="model"/>, or explains what is wrong.</summary>
    public static bool TryPrepare(JsonObject root, ModelInfo model, out PreparedGeminiRequest? prepared, out string? error)
    {
        prepared = null;
        root = (JsonObject)Normalize(root, renameKeys: true);
        var adjustments = new List<string>();
        try
        {
            var (promptChars, images) = CheckContents(root, model, adjustments);
            if (InputTokenEstimate.Exceeds(model, promptChars, images) is { } tooLong)
            {
                throw new InvalidRequestException(tooLong);
            }

            var (size, candidates) = CheckGenerationConfig(root, model, adjustments);
            CheckTools(root, model, adjustments);

            var buffer = new ArrayBufferWriter<byte>(4096);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                root.WriteTo(writer);
            }

            prepared = new PreparedGeminiRequest(buffer.WrittenMemory, adjustments, promptChars, images, candidates, size);
            error = null;
            return true;
        }
        catch (InvalidRequestException e)
        {
            error = e.Message;
            return false;
        }
    }

    private static (long PromptChars, int Images) CheckContents(JsonObject root, ModelInfo model, List<string> adjustments)
    {
        if (root["contents"] is not JsonArray contents || contents.Count == 0)
        {
            throw root["contents"] is null
                ? new InvalidRequestException("contents is not specified: send at least one content with a text part, e.g. {\"contents\":[{\"parts\":[{\"text\":\"a red fox\"}]}]}.")
                : new InvalidRequestException("contents must be a non-empty array of {role, parts} objects.");
        }

        long chars = 0;
        var images = 0;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not JsonObject content)
            {
                throw new InvalidRequestException($"contents[{i}] must be an object with a parts array.");
            }

            if (content["role"] is JsonNode role)
            {
                if (role.GetValueKind() != JsonValueKind.String)
                {
                    throw new InvalidRequestException($"contents[{i}].role must be the string \"user\" or \"model\".");
                }

                content["role"] = role.GetValue<string>().ToLowerInvariant();
            }

            if (content["parts"] is not JsonArray parts || parts.Count == 0)
            {
                throw new InvalidRequestException($"contents[{i}].parts must be a non-empty array of parts ({{\"text\":\"...\"}} or {{\"inlineData\":{{\"mimeType\",\"data\"}}}}).");
            }

            for (var j = 0; j < parts.Count; j++)
            {
                var path = $"contents[{i}].parts[{j}]";
                if (parts[j] is not JsonObject part)
                {
                    throw new InvalidRequestException($"{path} must be an object.");
                }

                if (part["text"] is JsonNode text)
                {
                    if (text.GetValueKind() != JsonValueKind.String)
                    {
                        throw new InvalidRequestException($"{path}.text must be a string.");
                    }

                    chars += text.GetValue<string>().Length;
                }

                if (part["inlineData"] is JsonNode inline)
                {
                    CheckInlineImage(inline, $"{path}.inlineData", adjustments);
                    images++;
                }
                else if (part["fileData"] is JsonObject)
                {
                    // Passed through as sent (a Files API or external URI); still an input image of the request.
                    images++;
                }
            }
        }

        if (images > model.MaxReferenceImages)
        {
            throw new InvalidRequestException($"Too many input images: {images}. {model.Id} accepts at most {model.MaxReferenceImages} reference images per request.");
        }

        return (chars, images);
    }

    private static void CheckInlineImage(JsonNode node, string path, List<string> adjustments)
    {
        if (node is not JsonObject inline
            || inline["data"] is not JsonValue dataNode || dataNode.GetValueKind() != JsonValueKind.String)
        {
            throw new InvalidRequestException($"{path} must be an object with mimeType and base64 data strings.");
        }

        var declared = inline["mimeType"] is JsonValue m && m.GetValueKind() == JsonValueKind.String ? m.GetValue<string>() : null;
        if (declared is not null && !ImageMimeTypes.Contains(declared))
        {
            throw new InvalidRequestException($"{path}.mimeType \"{declared}\" is not supported: send image/png, image/jpeg or image/webp.");
        }

        var data = dataNode.GetValue<string>();
        var maxBase64 = ((ReferenceImage.MaxBytes + 2) / 3 * 4) + 4;
        if (data.Length > maxBase64)
        {
            throw new InvalidRequestException($"{path}.data is larger than 10 MB: each input image must be at most 10 MB.");
        }

        // Decoded only to be checked (the JSON keeps the base64): a pooled buffer, not a new 10 MB array per image.
        var bytes = ArrayPool<byte>.Shared.Rent((data.Length * 3 / 4) + 3);
        ImageInfo info;
        try
        {
            if (!Convert.TryFromBase64String(data, bytes, out var length))
            {
                throw new InvalidRequestException($"{path}.data is not valid base64: send the image bytes encoded with standard base64 (no data: prefix).");
            }

            if (length > ReferenceImage.MaxBytes)
            {
                throw new InvalidRequestException($"{path}.data is larger than 10 MB ({length} bytes): each input image must be at most 10 MB.");
            }

            if (!ImageSniffer.TryIdentify(bytes.AsSpan(0, length), out info))
            {
                throw new InvalidRequestException($"{path}.data is not a JPEG, PNG or WebP image: the bytes were checked, not the declared type.");
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }

        if (!string.Equals(declared, info.MimeType, StringComparison.OrdinalIgnoreCase))
        {
            inline["mimeType"] = info.MimeType;
            adjustments.Add($"{path}.mimeType {declared ?? "(missing)"}->{info.MimeType} (from the image bytes)");
        }
    }

    private static (ImageSize Size, int Candidates) CheckGenerationConfig(JsonObject root, ModelInfo model, List<string> adjustments)
    {
        var size = model.DefaultSize;
        var candidates = 1;
        if (root["generationConfig"] is not JsonNode configNode)
        {
            return (size, candidates);
        }

        if (configNode is not JsonObject config)
        {
            throw new InvalidRequestException("generationConfig must be an object.");
        }

        if (config["responseModalities"] is JsonNode modalitiesNode)
        {
            if (modalitiesNode is not JsonArray modalities)
            {
                throw new InvalidRequestException("generationConfig.responseModalities must be an array such as [\"TEXT\",\"IMAGE\"] or [\"IMAGE\"].");
            }

            for (var i = 0; i < modalities.Count; i++)
            {
                var value = StringOf(modalities[i], $"generationConfig.responseModalities[{i}]").ToUpperInvariant();
                if (value is not ("TEXT" or "IMAGE"))
                {
                    throw new InvalidRequestException($"generationConfig.responseModalities[{i}] \"{value}\" is not supported: use TEXT and/or IMAGE.");
                }

                modalities[i] = value;
            }
        }

        if (config["candidateCount"] is JsonNode countNode)
        {
            if (countNode.GetValueKind() != JsonValueKind.Number || !countNode.AsValue().TryGetValue<int>(out candidates) || candidates is < 1 or > 8)
            {
                throw new InvalidRequestException("generationConfig.candidateCount must be an integer from 1 to 8.");
            }

            // Google's image models refuse more than one candidate; refused here, before any call or charge.
            if (candidates > 1)
            {
                throw new InvalidRequestException($"Multiple candidates is not enabled for models/{model.Id}. Send one request per image (or use n on the task API).");
            }
        }

        if (config["imageConfig"] is JsonNode imageNode)
        {
            if (imageNode is not JsonObject image)
            {
                throw new InvalidRequestException("generationConfig.imageConfig must be an object with aspectRatio and/or imageSize.");
            }

            if (image["aspectRatio"] is JsonNode ratioNode)
            {
                var text = StringOf(ratioNode, "generationConfig.imageConfig.aspectRatio");
                if (!AspectRatio.TryParse(text, out var ratio) || !model.Supports(ratio))
                {
                    throw new InvalidRequestException(
                        $"Unsupported aspect ratio \"{text}\" for {model.Id}. Allowed values: {string.Join(", ", model.AspectRatios)}.");
                }

                image["aspectRatio"] = ratio.ToString();
            }

            if (image["imageSize"] is JsonNode sizeNode)
            {
                var text = StringOf(sizeNode, "generationConfig.imageConfig.imageSize");

                // The seeds' spellings (1024px, 0.5K, 1k) mean the same tier as in the task API (one mapping in
                // Core); Google's exact spelling is what goes upstream, and a respelling is reported.
                if (!ImageSizes.TryParseLenient(text, out var requested))
                {
                    throw new InvalidRequestException(
                        $"Unsupported imageSize \"{text}\". Allowed values: {string.Join(", ", model.Sizes.Select(s => s.ToWire()))} (also accepted: 0.5K, 1024px and other case).");
                }

                size = model.EffectiveSize(requested);
                if (size != requested)
                {
                    image["imageSize"] = size.ToWire();
                    adjustments.Add($"imageSize {text}->{size.ToWire()} ({model.Id} renders {string.Join("/", model.Sizes.Select(s => s.ToWire()))} only)");
                }
                else if (text != size.ToWire())
                {
                    image["imageSize"] = size.ToWire();
                    adjustments.Add($"imageSize {text}->{size.ToWire()} (Google's spelling)");
                }
            }
        }

        if (config["thinkingConfig"] is JsonNode thinkingNode)
        {
            if (thinkingNode is not JsonObject thinking)
            {
                throw new InvalidRequestException("generationConfig.thinkingConfig must be an object.");
            }

            if (model.Thinking == ThinkingSupport.None)
            {
                config.Remove("thinkingConfig");
                adjustments.Add($"thinkingConfig removed ({model.Id} does not think)");
            }
            else if (thinking["thinkingLevel"] is JsonNode levelNode)
            {
                var level = StringOf(levelNode, "generationConfig.thinkingConfig.thinkingLevel").ToUpperInvariant();
                if (level is not ("MINIMAL" or "LOW" or "MEDIUM" or "HIGH"))
                {
                    throw new InvalidRequestException($"generationConfig.thinkingConfig.thinkingLevel \"{level}\" is not valid: use minimal or high.");
                }

                thinking["thinkingLevel"] = level;
            }
        }

        return (size, candidates);
    }

    private static void CheckTools(JsonObject root, ModelInfo model, List<string> adjustments)
    {
        if (root["tools"] is not JsonNode toolsNode)
        {
            return;
        }

        if (toolsNode is not JsonArray tools)
        {
            throw new InvalidRequestException("tools must be an array, e.g. [{\"googleSearch\":{}}].");
        }

        if (model.SupportsSearch)
        {
            return;
        }

        for (var i = tools.Count - 1; i >= 0; i--)
        {
            if (tools[i] is JsonObject tool && (tool.ContainsKey("googleSearch") || tool.ContainsKey("googleSearchRetrieval")))
            {
                tools.RemoveAt(i);
                adjustments.Add($"tools.googleSearch removed ({model.Id} has no search grounding)");
            }
        }

        if (tools.Count == 0)
        {
            root.Remove("tools");
        }
    }

    private static string StringOf(JsonNode? node, string path) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new InvalidRequestException($"{path} must be a string.");

    /// <summary>Rebuilds objects with camelCase keys (protobuf JSON accepts both spellings; Google answers camelCase).</summary>
    private static JsonNode Normalize(JsonNode node, bool renameKeys)
    {
        switch (node)
        {
            case JsonObject obj:
                var entries = obj.ToList();
                obj.Clear();
                foreach (var (key, value) in entries)
                {
                    var name = renameKeys ? CamelCase(key) : key;
                    obj[name] = value is null ? null : Normalize(value, !OpaqueValues.Contains(name));
                }

                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        var normalized = Normalize(item, renameKeys);
                        if (!ReferenceEquals(normalized, item))
                        {
                            array[i] = normalized;
                        }
                    }
                }

                return array;
            default:
                return node;
        }
    }

    private static string CamelCase(string key)
    {
        if (!key.Contains('_', StringComparison.Ordinal))
        {
            return key;
        }

        var sb = new StringBuilder(key.Length);
        var upper = false;
        foreach (var ch in key)
        {
            if (ch == '_')
            {
                upper = sb.Length > 0;
                continue;
            }

            sb.Append(upper ? char.ToUpperInvariant(ch) : ch);
            upper = false;
        }

        return sb.ToString();
    }

    private sealed class InvalidRequestException(string message) : Exception(message);
}
