using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nanogate.Auth;
using Nanogate.Core.Images;
using Nanogate.Media;

namespace Nanogate.Gemini;

/// <summary>
/// URL delivery for the Gemini dialect: each <c>inlineData</c> part of a response becomes
/// <c>fileData {mimeType, fileUri}</c> pointing at a signed media link (the bytes stored unchanged),
/// keeping the part's other fields (<c>thought</c>, <c>thoughtSignature</c>, …). Asked for with the
/// header <c>x-nanogate-image-delivery: url</c>, or by default for keys whose image_delivery is url.
/// </summary>
internal static class GeminiImageDelivery
{
    /// <summary>The request header.</summary>
    public const string Header = "x-nanogate-image-delivery";

    /// <summary>Whether to deliver by URL; null with an error message when the header's value is not url or inline.</summary>
    public static bool? WantsUrl(HttpRequest request, Caller caller, out string? problem)
    {
        problem = null;
        var asked = request.Headers[Header].ToString().Trim();
        if (asked.Length == 0)
        {
            return string.Equals(caller.ImageDelivery, "url", StringComparison.OrdinalIgnoreCase);
        }

        if (string.Equals(asked, "url", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (string.Equals(asked, "inline", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        problem = $"Header {Header} must be url or inline; got \"{asked}\".";
        return null;
    }

    /// <summary>
    /// Rewrites one GenerateContentResponse (or a stream chunk of one): stores every inline image and
    /// links it. Returns the input unchanged when it has no inline image or is not JSON.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> RewriteAsync(ReadOnlyMemory<byte> json, HttpRequest request, Caller caller, IMediaStore store, MediaLinks links)
    {
        if (json.Span.IndexOf("nline"u8) < 0)
        {
            return json; // neither inlineData nor inline_data: nothing to store, no parse.
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json.Span);
        }
        catch (JsonException)
        {
            return json;
        }

        if (root?["candidates"] is not JsonArray candidates)
        {
            return json;
        }

        var changed = false;
        foreach (var candidate in candidates)
        {
            if (candidate?["content"]?["parts"] is not JsonArray parts)
            {
                continue;
            }

            foreach (var part in parts.OfType<JsonObject>())
            {
                var name = part.ContainsKey("inlineData") ? "inlineData" : part.ContainsKey("inline_data") ? "inline_data" : null;
                if (name is null || part[name] is not JsonObject inline || (inline["data"] as JsonValue)?.TryGetValue<string>(out var b64) != true)
                {
                    continue;
                }

                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(b64!);
                }
                catch (FormatException)
                {
                    continue;
                }

                var declared = (inline["mimeType"] ?? inline["mime_type"])?.GetValue<string>() ?? "application/octet-stream";
                var (mime, width, height) = ImageSniffer.TryIdentify(bytes, out var info) ? (info.MimeType, info.Width, info.Height) : (declared, 0, 0);
                var stored = await store.SaveAsync(caller.AccountId, bytes, mime, width, height, CancellationToken.None).ConfigureAwait(false);
                var fileData = new JsonObject { ["mimeType"] = mime, ["fileUri"] = links.Url(request, stored.Id, stored.ExpiresAt) };

                // Rebuild the part in its original order, the image's place taken by fileData.
                var fields = part.ToList();
                part.Clear();
                foreach (var (key, value) in fields)
                {
                    part[key == name ? "fileData" : key] = key == name ? fileData : value;
                }

                changed = true;
            }
        }

        if (!changed)
        {
            return json;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(json.Length / 8);
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            root.WriteTo(writer);
        }

        return buffer.WrittenMemory;
    }
}
