using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nanogate.Core.Catalog;
using Nanogate.Core.Images;
using Nanogate.Core.Requests;

namespace Nanogate.Tasks;

/// <summary>
/// Turns a task submission (every spelling the seeds use) into an <see cref="ImageRequest"/>: strict
/// where a mistake would silently change the result (types, n, conflicting ratios), lenient where
/// the model simply cannot (resolution tiers, search, thinking), which become warnings.
/// </summary>
internal sealed partial class TaskRequestParser(ModelCatalog catalog, IImageFetcher fetcher, Upstreams.Routing.ChannelRouter? router = null, Security.SafeHttp? egress = null)
{
    /// <summary>Most bytes of one reference image.</summary>
    public const int MaxImageBytes = ReferenceImage.MaxBytes;

    private static readonly string[] SearchFlags = ["google_search", "google_image_search", "enable_web_search"];

    /// <summary>The fields of the task API; any other field is ignored with a warning (seed platforms' extras such as official_fallback).</summary>
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal)
    {
        "model", "prompt", "size", "aspect_ratio", "resolution", "n", "image_urls", "thinking_level",
        "google_search", "google_image_search", "enable_web_search", "callback_url", "webhook", "callback_format", "mask_url",
    };

    /// <summary>Parses and validates a submission body.</summary>
    public Task<(ParsedTaskRequest? Parsed, TaskRequestError? Error)> ParseAsync(JsonObject body, CancellationToken cancellationToken) =>
        ParseAsync(body, otherKnownFields: null, inlineImages: null, cancellationToken);

    /// <summary>Parses a body read by <see cref="TaskBodyReader"/> (its large image strings still in the body buffer).</summary>
    public Task<(ParsedTaskRequest? Parsed, TaskRequestError? Error)> ParseAsync(TaskBody body, IReadOnlySet<string>? otherKnownFields, CancellationToken cancellationToken) =>
        ParseAsync(body.Fields, otherKnownFields, body.InlineImages, cancellationToken);

    /// <summary>
    /// Parses and validates a body; <paramref name="otherKnownFields"/> are fields the calling dialect handles
    /// itself (not warned about as ignored).
    /// </summary>
    public async Task<(ParsedTaskRequest? Parsed, TaskRequestError? Error)> ParseAsync(JsonObject body, IReadOnlySet<string>? otherKnownFields, CancellationToken cancellationToken) =>
        await ParseAsync(body, otherKnownFields, inlineImages: null, cancellationToken).ConfigureAwait(false);

    private async Task<(ParsedTaskRequest? Parsed, TaskRequestError? Error)> ParseAsync(
        JsonObject body, IReadOnlySet<string>? otherKnownFields, IReadOnlyDictionary<int, ReadOnlyMemory<byte>>? inlineImages, CancellationToken cancellationToken)
    {
        var warnings = new List<string>();

        // The seeds' clients send null or "" for fields they leave unset: both mean absent, everywhere.
        foreach (var name in body.Where(kv => IsEmpty(kv.Value)).Select(kv => kv.Key).ToList())
        {
            body.Remove(name);
        }

        foreach (var (name, _) in body)
        {
            if (!KnownFields.Contains(name) && otherKnownFields?.Contains(name) != true)
            {
                warnings.Add($"{name} is not supported by Nanogate and was ignored");
            }
        }

        if (body.ContainsKey("mask_url"))
        {
            return Fail("mask_url is not supported: mask inpainting is not available for these models. Describe the edit in the prompt and pass the image in image_urls.", "mask_url");
        }

        // model
        if (!TryString(body, "model", out var modelName, out var error))
        {
            return (null, error);
        }

        if (string.IsNullOrWhiteSpace(modelName))
        {
            return Fail($"model is required, e.g. \"{catalog.Models[0].Id}\".", "model");
        }

        if (catalog.Find(modelName) is not { } model)
        {
            var known = string.Join(", ", catalog.Models.Select(m => m.Id));
            return (null, new TaskRequestError(404, "model_not_found", $"Unknown model '{modelName}'. Available models: {known} (aliases are listed at GET /v1/models).", "model"));
        }

        // prompt
        if (!TryString(body, "prompt", out var prompt, out error))
        {
            return (null, error);
        }

        if (string.IsNullOrWhiteSpace(prompt))
        {
            return Fail("prompt is required and must be a non-empty string.", "prompt");
        }

        // resolution (first: the pixel sizes in size warnings depend on it)
        if (!TryString(body, "resolution", out var resolutionText, out error))
        {
            return (null, error);
        }

        var size = model.DefaultSize;
        if (!string.IsNullOrWhiteSpace(resolutionText))
        {
            if (!ImageSizes.TryParseLenient(resolutionText, out var requested))
            {
                return Fail($"resolution '{resolutionText}' is not a resolution; use one of 0.5K, 1K, 2K, 4K (this model has {string.Join(", ", model.Sizes.Select(s => s.ToWire()))}).", "resolution");
            }

            size = model.EffectiveSize(requested);
            if (size != requested)
            {
                warnings.Add($"resolution {requested.ToWire()} is not available for {model.Id}; using {size.ToWire()}");
            }
        }

        // size and aspect_ratio
        if (!TryString(body, "size", out var sizeText, out error) || !TryString(body, "aspect_ratio", out var ratioText, out error))
        {
            return (null, error);
        }

        AspectRatio? fromSize = null;
        if (!string.IsNullOrWhiteSpace(sizeText) && !IsAuto(sizeText))
        {
            if (AspectRatio.TryParse(sizeText, out var r))
            {
                fromSize = Fit(model, r, size, "size", warnings);
            }
            else if (PixelPattern().Match(sizeText) is { Success: true } m
                && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var w)
                && int.TryParse(m.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var h)
                && w > 0 && h > 0)
            {
                var nearest = model.NearestRatio(w, h);
                fromSize = nearest;
                var pixels = model.PixelsFor(nearest, size);
                if (pixels.Width != w || pixels.Height != h)
                {
                    warnings.Add($"size {w}x{h} mapped to {nearest} ({pixels})");
                }
            }
            else
            {
                return Fail($"size '{sizeText}' is not valid; use auto, a ratio such as 16:9, or pixels such as 1376x768.", "size");
            }
        }

        AspectRatio? fromRatio = null;
        if (!string.IsNullOrWhiteSpace(ratioText) && !IsAuto(ratioText))
        {
            if (!AspectRatio.TryParse(ratioText, out var r))
            {
                return Fail($"aspect_ratio '{ratioText}' is not valid; use a ratio such as 16:9 (supported: {string.Join(", ", model.AspectRatios)}).", "aspect_ratio");
            }

            fromRatio = Fit(model, r, size, "aspect_ratio", warnings);
        }

        if (fromSize is { } a && fromRatio is { } b && a != b)
        {
            return Fail($"size ({sizeText}, i.e. {a}) and aspect_ratio ({ratioText}) disagree; send only one of them.", "aspect_ratio");
        }

        var ratio = fromRatio ?? fromSize;

        // n
        var n = 1;
        if (body["n"] is JsonNode nNode)
        {
            if (nNode.GetValueKind() == JsonValueKind.String)
            {
                return Fail($"n must be a plain number such as 2, not a string in quotes (\"{nNode.GetValue<string>()}\").", "n");
            }

            if (nNode.GetValueKind() != JsonValueKind.Number || !nNode.AsValue().TryGetValue<double>(out var nValue) || nValue != Math.Floor(nValue))
            {
                return Fail("n must be a whole number from 1 to 4.", "n");
            }

            if (nValue is < 1 or > 4)
            {
                return Fail($"n must be from 1 to 4 (got {nValue.ToString(CultureInfo.InvariantCulture)}); send several requests for more images.", "n");
            }

            n = (int)nValue;
        }

        // thinking_level
        if (!TryString(body, "thinking_level", out var thinkingText, out error))
        {
            return (null, error);
        }

        string? thinking = null;
        if (!string.IsNullOrWhiteSpace(thinkingText))
        {
            var level = thinkingText.Trim().ToLowerInvariant();
            switch (model.Thinking)
            {
                case ThinkingSupport.Levels when level is not ("minimal" or "high"):
                    // Google's other level names (low, medium) and typos: the model's default level is used.
                    warnings.Add($"thinking_level '{thinkingText}' is not a level of {model.Id} (minimal or high) and was ignored; the model's default applies");
                    break;
                case ThinkingSupport.Levels:
                    thinking = level;
                    break;
                case ThinkingSupport.AlwaysOn:
                    warnings.Add($"thinking_level is ignored: {model.Id} always thinks and its level cannot be changed");
                    break;
                default:
                    warnings.Add($"thinking_level is ignored: {model.Id} does not support thinking");
                    break;
            }
        }

        // search flags
        var search = false;
        foreach (var flag in SearchFlags)
        {
            if (body[flag] is not JsonNode node)
            {
                continue;
            }

            if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
            {
                return Fail($"{flag} must be a boolean (true or false), not {Hosting.JsonBody.Describe(node)}.", flag);
            }

            if (!node.GetValue<bool>())
            {
                continue;
            }

            if (model.SupportsSearch)
            {
                search = true;
            }
            else
            {
                warnings.Add($"{flag} is ignored: {model.Id} does not support search grounding");
            }
        }

        // callback_url and webhook
        if (!TryString(body, "callback_url", out var callbackText, out error) || !TryString(body, "webhook", out var webhookText, out error))
        {
            return (null, error);
        }

        string? callbackUrl = null;
        if (!string.IsNullOrWhiteSpace(callbackText))
        {
            if (!IsHttpUrl(callbackText, out var uri))
            {
                return Fail("callback_url must be a full http(s) URL such as https://example.com/hooks/nanogate.", "callback_url");
            }

            if (RefusedTarget(uri) is { } refused)
            {
                return Fail($"callback_url cannot be notified: {refused}", "callback_url");
            }

            callbackUrl = uri.AbsoluteUri;
        }

        string? webhookUrl = null;
        if (!string.IsNullOrWhiteSpace(webhookText))
        {
            if (!IsHttpUrl(webhookText, out var uri) || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                return Fail("webhook must be a base http(s) URL without a query, such as https://example.com/hooks (notified at {webhook}/callback).", "webhook");
            }

            if (RefusedTarget(uri) is { } refused)
            {
                return Fail($"webhook cannot be notified: {refused}", "webhook");
            }

            webhookUrl = uri.AbsoluteUri.TrimEnd('/') + "/callback";
        }

        // callback_format
        if (!TryString(body, "callback_format", out var callbackFormat, out error))
        {
            return (null, error);
        }

        callbackFormat = callbackFormat?.Trim().ToLowerInvariant();
        if (callbackFormat is not (null or "task" or "envelope"))
        {
            return Fail($"callback_format '{callbackFormat}' is not valid; use \"task\" (the bare task object, as the seed platforms send) or \"envelope\" (Standard Webhooks {{type, timestamp, data}}, the default).", "callback_format");
        }

        // image_urls
        var references = new List<ReferenceImage>();
        if (body["image_urls"] is JsonNode imagesNode)
        {
            if (imagesNode is not JsonArray images)
            {
                return Fail($"image_urls must be an array of strings, not {Hosting.JsonBody.Describe(imagesNode)}.", "image_urls");
            }

            if (images.Count > model.MaxReferenceImages)
            {
                return Fail($"image_urls has {images.Count} images; {model.Id} accepts at most {model.MaxReferenceImages} reference images (the limit of the model: send at most {model.MaxReferenceImages}).", "image_urls");
            }

            for (var i = 0; i < images.Count; i++)
            {
                var param = $"image_urls[{i}]";
                if (images[i] is not JsonNode item || item.GetValueKind() != JsonValueKind.String)
                {
                    return Fail($"{param} must be a string (an http(s) URL or a data:image/…;base64,… URI).", param);
                }

                var (image, imageError) = inlineImages is not null && inlineImages.TryGetValue(i, out var utf8)
                    ? LoadInlineImage(utf8.Span, param)
                    : await LoadImageAsync(item.GetValue<string>(), param, cancellationToken).ConfigureAwait(false);
                if (imageError is not null)
                {
                    return (null, imageError);
                }

                // Every channel caps references below 10 MB (only Vertex AI channels: 7 MB inline, no Files API): it cannot succeed.
                if (router?.MaxReferenceImageBytes() is { } cap && image!.Data.Length > cap)
                {
                    return Fail($"{param} is {image.Data.Length / (1024.0 * 1024.0):0.#} MB; every upstream channel of this gateway takes at most {cap / (1024 * 1024)} MB per reference image (inline only: no Files API). Send a smaller image.", param);
                }

                references.Add(image!);
            }
        }

        if (InputTokenEstimate.Exceeds(model, prompt.Length, references.Count) is { } tooLong)
        {
            return Fail(tooLong, "prompt");
        }

        var request = new ImageRequest
        {
            Model = model,
            Prompt = prompt,
            AspectRatio = ratio,
            Size = size,
            ThinkingLevel = thinking,
            Search = search,
            ReferenceImages = references,
            N = n,
            Warnings = warnings,
        };
        return (new ParsedTaskRequest(request, callbackUrl, webhookUrl, callbackFormat), null);
    }

    private async Task<(ReferenceImage? Image, TaskRequestError? Error)> LoadImageAsync(string text, string param, CancellationToken cancellationToken)
    {
        byte[] data;
        var value = text.Trim();
        if (value.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var match = DataUriPattern().Match(value);
            if (!match.Success)
            {
                return (null, TaskRequestError.Invalid($"{param} is not a valid data URI; use data:image/jpeg;base64,…, data:image/png;base64,… or data:image/webp;base64,….", param));
            }

            var payload = value.AsSpan(match.Length);
            if ((long)payload.Length * 3 / 4 > MaxImageBytes + 3)
            {
                return (null, TaskRequestError.Invalid($"{param} is larger than 10 MB; send a smaller image.", param));
            }

            data = new byte[payload.Length * 3 / 4 + 3];
            if (!Convert.TryFromBase64Chars(payload, data, out var written))
            {
                return (null, TaskRequestError.Invalid($"{param} has invalid base64 after the data:image/…;base64, prefix.", param));
            }

            data = data[..written];
        }
        else if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            try
            {
                data = (await fetcher.FetchAsync(uri, MaxImageBytes, cancellationToken).ConfigureAwait(false)).Data;
            }
            catch (ImageFetchException e)
            {
                return (null, TaskRequestError.Invalid($"{param}: {e.Message}", param));
            }
        }
        else if (value.Length >= 16 && !value.Contains("://", StringComparison.Ordinal))
        {
            // Raw base64 without a data: prefix (seed 004's "local Base64 encoded images"): the bytes decide the type.
            if ((long)value.Length * 3 / 4 > MaxImageBytes + 3)
            {
                return (null, TaskRequestError.Invalid($"{param} is larger than 10 MB; send a smaller image.", param));
            }

            data = new byte[value.Length * 3 / 4 + 3];
            if (!Convert.TryFromBase64String(value, data, out var written))
            {
                return (null, TaskRequestError.Invalid($"{param} must be an http(s) URL, a data:image/{{jpeg,png,webp}};base64,… URI or raw base64 image bytes.", param));
            }

            data = data[..written];
        }
        else
        {
            return (null, TaskRequestError.Invalid($"{param} must be an http(s) URL, a data:image/{{jpeg,png,webp}};base64,… URI or raw base64 image bytes.", param));
        }

        return Checked(data, param);
    }

    /// <summary>
    /// A data URI or raw base64 left in the body buffer by <see cref="TaskBodyReader"/>: decoded straight from its UTF-8
    /// bytes into an array of the exact decoded size (no string of it, no oversized buffer and no trimming copy).
    /// </summary>
    private static (ReferenceImage? Image, TaskRequestError? Error) LoadInlineImage(ReadOnlySpan<byte> value, string param)
    {
        value = value.Trim(" \t\r\n"u8);
        var payload = value;
        if (value.Length >= 5 && System.Text.Ascii.EqualsIgnoreCase(value[..5], "data:"u8))
        {
            var head = System.Text.Encoding.ASCII.GetString(value[..Math.Min(value.Length, 64)]);
            var match = DataUriPattern().Match(head);
            if (!match.Success)
            {
                return (null, TaskRequestError.Invalid($"{param} is not a valid data URI; use data:image/jpeg;base64,…, data:image/png;base64,… or data:image/webp;base64,….", param));
            }

            payload = value[match.Length..];
        }

        var padding = payload.Length > 0 && payload[^1] == (byte)'=' ? (payload.Length > 1 && payload[^2] == (byte)'=' ? 2 : 1) : 0;
        var decoded = (long)payload.Length / 4 * 3 - padding;
        if (decoded > MaxImageBytes)
        {
            return (null, TaskRequestError.Invalid($"{param} is larger than 10 MB ({decoded / (1024.0 * 1024.0):0.#} MB decoded); each reference image may be at most 10 MB. Send a smaller image.", param));
        }

        var data = payload.Length % 4 == 0 ? GC.AllocateUninitializedArray<byte>((int)Math.Max(decoded, 0)) : null;
        if (data is null || System.Buffers.Text.Base64.DecodeFromUtf8(payload, data, out _, out var written) != System.Buffers.OperationStatus.Done || written != data.Length)
        {
            // Whitespace inside the base64, or not base64 at all: the lenient decoder decides (a copy, for this rare case).
            data = new byte[(payload.Length * 3 / 4) + 3];
            if (!Convert.TryFromBase64String(System.Text.Encoding.ASCII.GetString(payload), data, out written))
            {
                return (null, TaskRequestError.Invalid(value.Length >= 5 && System.Text.Ascii.EqualsIgnoreCase(value[..5], "data:"u8)
                    ? $"{param} has invalid base64 after the data:image/…;base64, prefix."
                    : $"{param} must be an http(s) URL, a data:image/{{jpeg,png,webp}};base64,… URI or raw base64 image bytes.", param));
            }

            data = data[..written];
        }

        return Checked(data, param);
    }

    private static (ReferenceImage? Image, TaskRequestError? Error) Checked(byte[] data, string param)
    {
        if (data.Length > MaxImageBytes)
        {
            return (null, TaskRequestError.Invalid($"{param} is larger than 10 MB; send a smaller image.", param));
        }

        if (!ImageSniffer.TryIdentify(data, out var info))
        {
            return (null, TaskRequestError.Invalid($"{param} is not a JPEG, PNG or WebP image (checked from its bytes).", param));
        }

        return (new ReferenceImage(data, info.MimeType, info.Width, info.Height), null);
    }

    private static AspectRatio Fit(ModelInfo model, AspectRatio requested, ImageSize size, string field, List<string> warnings)
    {
        // Ratios equal in value (32:18) are the same ratio.
        var same = model.AspectRatios.FirstOrDefault(r => (long)r.Width * requested.Height == (long)r.Height * requested.Width);
        if (same != default)
        {
            return same;
        }

        var nearest = model.NearestRatio(requested.Width, requested.Height);
        warnings.Add($"{field} {requested} is not supported by {model.Id}; mapped to {nearest} ({model.PixelsFor(nearest, size)})");
        return nearest;
    }

    private static bool IsEmpty(JsonNode? node) =>
        node is null || (node.GetValueKind() == JsonValueKind.String && node.GetValue<string>().Length == 0);

    private static bool IsAuto(string text) => string.Equals(text.Trim(), "auto", StringComparison.OrdinalIgnoreCase);

    private static bool IsHttpUrl(string text, out Uri uri) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out uri!) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(uri.Host);

    private static bool TryString(JsonObject body, string name, out string? value, out TaskRequestError? error)
    {
        var ok = Hosting.JsonBody.TryReadString(body, name, out value, out var problem);
        error = ok ? null : TaskRequestError.Invalid(problem!, name);
        return ok;
    }

    // A notification URL the egress rules would refuse at delivery (a port other than 80/443, a loopback, private or
    // metadata address written literally) is refused now, while the caller can still fix it, instead of becoming a
    // task whose webhook quietly fails. Host names are still checked at delivery, against what they resolve to then.
    private string? RefusedTarget(Uri uri)
    {
        try
        {
            egress?.CheckTarget(uri);
            return null;
        }
        catch (Security.SsrfBlockedException e)
        {
            return e.Message;
        }
    }

    private static (ParsedTaskRequest?, TaskRequestError?) Fail(string message, string param) => (null, TaskRequestError.Invalid(message, param));

    [GeneratedRegex(@"^\s*(\d{1,6})\s*[xX×*]\s*(\d{1,6})\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex PixelPattern();

    [GeneratedRegex(@"^data:image/(jpeg|jpg|png|webp);base64,", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DataUriPattern();
}
