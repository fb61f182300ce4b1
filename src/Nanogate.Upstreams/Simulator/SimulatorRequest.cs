using System.Text;
using System.Text.Json;
using Nanogate.Core.Images;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// What the simulator needs from a GenerateContentRequest. Parsed as tolerantly as Google's protobuf
/// JSON parser: camelCase and snake_case keys, enum values in any case; unknown fields are ignored.
/// </summary>
/// <param name="Prompt">All text parts of the user turns, concatenated.</param>
/// <param name="InputImages">Inline and file images in the user turns.</param>
/// <param name="FirstImage">The first inline image, when its bytes are a known format.</param>
/// <param name="AspectRatio">imageConfig.aspectRatio as sent.</param>
/// <param name="ImageSize">imageConfig.imageSize as sent.</param>
/// <param name="IncludeThoughts">thinkingConfig.includeThoughts.</param>
/// <param name="ThinkingLevel">thinkingConfig.thinkingLevel as sent.</param>
/// <param name="WantsText">Whether responseModalities allows TEXT (true when absent).</param>
/// <param name="WantsImage">Whether responseModalities allows IMAGE (true when absent).</param>
/// <param name="CandidateCount">generationConfig.candidateCount (1 when absent).</param>
/// <param name="MaxOutputTokens">generationConfig.maxOutputTokens, or null.</param>
internal sealed record SimulatorRequest(
    string Prompt,
    int InputImages,
    ImageInfo? FirstImage,
    string? AspectRatio,
    string? ImageSize,
    bool IncludeThoughts,
    string? ThinkingLevel,
    bool WantsText,
    bool WantsImage,
    int CandidateCount = 1,
    int? MaxOutputTokens = null)
{
    /// <summary>What seeds the picture: the prompt, or the prompt and the image's number for later images of one request.</summary>
    public string? Seed { get; init; }

    /// <summary>The fileUri of each fileData part of the user turns, in order.</summary>
    public IReadOnlyList<string> FileUris { get; init; } = [];

    /// <summary>Whether the first input image is a fileData part (its header is read from the file).</summary>
    public bool FirstImageIsFile { get; init; }

    /// <summary>Reads a request body; on failure <paramref name="error"/> says what is wrong, Google-style.</summary>
    public static bool TryParse(JsonElement root, out SimulatorRequest? request, out string? error)
    {
        request = null;
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "Invalid JSON payload received. Expected an object at the root.";
            return false;
        }

        if (!TryGet(root, "contents", "contents", out var contents) || contents.ValueKind != JsonValueKind.Array || contents.GetArrayLength() == 0)
        {
            error = "* GenerateContentRequest.contents: contents is not specified\n";
            return false;
        }

        var prompt = new StringBuilder();
        var images = 0;
        ImageInfo? first = null;
        var fileUris = new List<string>();
        var firstIsFile = false;
        foreach (var content in contents.EnumerateArray())
        {
            if (content.ValueKind != JsonValueKind.Object)
            {
                error = "Invalid value at 'contents' (type.googleapis.com/google.ai.generativelanguage.v1beta.Content).";
                return false;
            }

            // Earlier model turns of a conversation are context, not the prompt.
            if (TryGet(content, "role", "role", out var role) && role.ValueKind == JsonValueKind.String
                && !string.Equals(role.GetString(), "user", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!TryGet(content, "parts", "parts", out var parts) || parts.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var part in parts.EnumerateArray())
            {
                if (part.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (TryGet(part, "text", "text", out var text) && text.ValueKind == JsonValueKind.String)
                {
                    prompt.Append(text.GetString());
                }

                if (TryGet(part, "inlineData", "inline_data", out var inline) && inline.ValueKind == JsonValueKind.Object)
                {
                    images++;
                    if (images == 1 && TryGet(inline, "data", "data", out var data) && data.ValueKind == JsonValueKind.String
                        && data.TryGetBytesFromBase64(out var bytes) && ImageSniffer.TryIdentify(bytes, out var info))
                    {
                        first = info;
                    }
                }
                else if (TryGet(part, "fileData", "file_data", out var file) && file.ValueKind == JsonValueKind.Object)
                {
                    if (!TryGet(file, "fileUri", "file_uri", out var uri) || uri.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(uri.GetString()))
                    {
                        error = "* GenerateContentRequest.contents[].parts[].file_data.file_uri: file_uri is not specified\n";
                        return false;
                    }

                    images++;
                    firstIsFile |= images == 1;
                    fileUris.Add(uri.GetString()!);
                }
            }
        }

        string? aspectRatio = null, imageSize = null, thinkingLevel = null;
        var includeThoughts = false;
        bool wantsText = true, wantsImage = true;
        int candidateCount = 1;
        int? maxOutputTokens = null;
        if (TryGet(root, "generationConfig", "generation_config", out var config) && config.ValueKind == JsonValueKind.Object)
        {
            if (TryGet(config, "responseModalities", "response_modalities", out var modalities)
                && modalities.ValueKind == JsonValueKind.Array && modalities.GetArrayLength() > 0)
            {
                wantsText = wantsImage = false;
                foreach (var modality in modalities.EnumerateArray())
                {
                    var name = modality.ValueKind == JsonValueKind.String ? modality.GetString() : null;
                    wantsText |= string.Equals(name, "TEXT", StringComparison.OrdinalIgnoreCase);
                    wantsImage |= string.Equals(name, "IMAGE", StringComparison.OrdinalIgnoreCase);
                }
            }

            if (TryGet(config, "imageConfig", "image_config", out var image) && image.ValueKind == JsonValueKind.Object
                && (!TryGetString(image, "aspectRatio", "aspect_ratio", "generation_config.image_config.aspect_ratio", out aspectRatio, ref error)
                    || !TryGetString(image, "imageSize", "image_size", "generation_config.image_config.image_size", out imageSize, ref error)))
            {
                return false;
            }

            if (TryGet(config, "candidateCount", "candidate_count", out var count) && count.ValueKind != JsonValueKind.Null)
            {
                if (count.ValueKind != JsonValueKind.Number || !count.TryGetInt32(out candidateCount))
                {
                    error = "Invalid value at 'generation_config.candidate_count' (TYPE_INT32).";
                    return false;
                }
            }

            if (TryGet(config, "maxOutputTokens", "max_output_tokens", out var max) && max.ValueKind != JsonValueKind.Null)
            {
                if (max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out var maxValue))
                {
                    error = "Invalid value at 'generation_config.max_output_tokens' (TYPE_INT32).";
                    return false;
                }

                maxOutputTokens = maxValue;
            }

            if (TryGet(config, "thinkingConfig", "thinking_config", out var thinking) && thinking.ValueKind == JsonValueKind.Object)
            {
                if (!TryGetString(thinking, "thinkingLevel", "thinking_level", "generation_config.thinking_config.thinking_level", out thinkingLevel, ref error))
                {
                    return false;
                }

                if (TryGet(thinking, "includeThoughts", "include_thoughts", out var include))
                {
                    if (include.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        error = "Invalid value at 'generation_config.thinking_config.include_thoughts' (TYPE_BOOL).";
                        return false;
                    }

                    includeThoughts = include.GetBoolean();
                }
            }
        }

        request = new SimulatorRequest(prompt.ToString(), images, first, aspectRatio, imageSize, includeThoughts, thinkingLevel, wantsText, wantsImage, candidateCount, maxOutputTokens)
        {
            FileUris = fileUris,
            FirstImageIsFile = firstIsFile,
        };
        return true;
    }

    private static bool TryGet(JsonElement obj, string camel, string snake, out JsonElement value) =>
        obj.TryGetProperty(camel, out value) || (snake != camel && obj.TryGetProperty(snake, out value));

    private static bool TryGetString(JsonElement obj, string camel, string snake, string path, out string? value, ref string? error)
    {
        value = null;
        if (!TryGet(obj, camel, snake, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"Invalid value at '{path}' (TYPE_STRING), {element.GetRawText()}";
            return false;
        }

        value = element.GetString();
        return true;
    }
}
