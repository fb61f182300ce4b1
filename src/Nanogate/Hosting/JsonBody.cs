using System.Text.Json;
using System.Text.Json.Nodes;
using Nanogate.Pipeline;

namespace Nanogate.Hosting;

/// <summary>Reads a JSON object body with errors that say what to fix (never a bare 400 or a 500).</summary>
internal static class JsonBody
{
    /// <summary>
    /// How every request body is parsed: a key given twice is an error (which value would win is a guess, and
    /// <c>JsonObject</c> would throw on it later as a 500), and nesting deeper than any real request needs is refused.
    /// </summary>
    public static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>
    /// The body as an object, or the 400 to answer in the route's dialect (<see cref="Pipeline.DialectEndpointExtensions.DialectOf"/>).
    /// A body over <c>Limits:MaxRequestBodyMB</c> throws Kestrel's 413, which the exception handler answers in the
    /// same dialect. <paramref name="allowEmpty"/>: no body reads as <c>{}</c>.
    /// </summary>
    public static async Task<(JsonObject? Body, IResult? Error)> ReadObjectAsync(HttpContext context, bool allowEmpty = false)
    {
        var (body, _, error) = await ReadObjectAndBytesAsync(context, allowEmpty).ConfigureAwait(false);
        return (body, error);
    }

    /// <summary>As <see cref="ReadObjectAsync"/>, also giving the raw bytes (for a fingerprint or a passthrough).</summary>
    public static async Task<(JsonObject? Body, byte[] Raw, IResult? Error)> ReadObjectAndBytesAsync(HttpContext context, bool allowEmpty = false)
    {
        var dialect = context.DialectOf();
        if (allowEmpty && context.Request.ContentLength is 0 or null && context.Request.Headers.TransferEncoding.Count == 0)
        {
            return (new JsonObject(), [], null);
        }

        var raw = await ReadAllAsync(context).ConfigureAwait(false);
        if (raw.Length == 0)
        {
            return allowEmpty
                ? (new JsonObject(), raw, null)
                : (null, raw, DialectErrors.Invalid(dialect, "The request body is empty; send a JSON object such as {\"model\":\"nano-banana-2-lite\",\"prompt\":\"…\"}."));
        }

        if (!IsValidUtf8(raw, out var utf8Error))
        {
            return (null, raw, DialectErrors.Invalid(dialect, utf8Error));
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(raw, documentOptions: Strict);
        }
        catch (JsonException e)
        {
            return (null, raw, DialectErrors.InvalidJson(dialect, e.Message));
        }

        if (FindLoneSurrogate(raw, node) is { } where)
        {
            return (null, raw, DialectErrors.Invalid(dialect, LoneSurrogateMessage(where)));
        }

        return node is JsonObject obj
            ? (obj, raw, null)
            : (null, raw, DialectErrors.Invalid(dialect, "The request body must be a JSON object."));
    }

    /// <summary>
    /// The whole request body (bounded by Kestrel's <c>MaxRequestBodySize</c>: 413 past it). With a Content-Length
    /// the buffer is allocated once at its size (no doubling copies for a 30 MB body of base64 images).
    /// </summary>
    public static async Task<byte[]> ReadAllAsync(HttpContext context)
    {
        // Only a length within the limit is trusted for the allocation; past it the read below throws the 413.
        var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0;
        if (context.Request.ContentLength is { } length && length <= limit && length <= Array.MaxLength)
        {
            var exact = new byte[length];
            await context.Request.Body.ReadExactlyAsync(exact, context.RequestAborted).ConfigureAwait(false);
            return exact;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>
    /// Whether a body is valid UTF-8 (RFC 8259 requires it). The JSON reader checks structure but leaves string
    /// contents to be transcoded when read, where invalid bytes would throw deep inside a handler as a 500.
    /// </summary>
    public static bool IsValidUtf8(ReadOnlySpan<byte> body, out string error)
    {
        error = "The request body is not valid UTF-8: JSON text must be UTF-8 encoded (check the bytes of every string, e.g. a prompt pasted from another encoding).";
        return System.Text.Unicode.Utf8.IsValid(body);
    }

    /// <summary>
    /// The first string (or property name) of <paramref name="root"/> holding a lone UTF-16 surrogate, which JSON's
    /// <c>\uD800</c> escapes can smuggle in and which cannot be written back as UTF-8 (to the upstream, to storage):
    /// a description of where, or null. Walks the tree only when <paramref name="raw"/> has a <c>\uD…</c> escape at all.
    /// </summary>
    public static string? FindLoneSurrogate(ReadOnlySpan<byte> raw, JsonNode? root)
    {
        if (raw.IndexOf("\\uD"u8) < 0 && raw.IndexOf("\\ud"u8) < 0)
        {
            return null;
        }

        return Walk(root, "$");

        static string? Walk(JsonNode? node, string path)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (name, child) in o)
                    {
                        // Property names were unescaped when the object was built; an invalid one throws there.
                        if (HasLoneSurrogate(name))
                        {
                            return $"a property name in {path}";
                        }

                        if (Walk(child, $"{path}.{name}") is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        if (Walk(a[i], $"{path}[{i}]") is { } found)
                        {
                            return found;
                        }
                    }

                    return null;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    try
                    {
                        return HasLoneSurrogate(v.GetValue<string>()) ? path : null;
                    }
                    catch (InvalidOperationException)
                    {
                        // The reader refuses to unescape it at all ("invalid UTF-16").
                        return path;
                    }
                default:
                    return null;
            }
        }
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The message for <see cref="FindLoneSurrogate"/>'s finding.</summary>
    public static string LoneSurrogateMessage(string where) =>
        $"The request body has an unpaired UTF-16 surrogate escape (\\uD800–\\uDFFF) in {where}; send the character itself or a complete surrogate pair.";

    /// <summary>
    /// An optional string property: false with <paramref name="problem"/> (naming the field and what it was) when it
    /// is present and not a string. Every dialect words the problem in its own error shape.
    /// </summary>
    public static bool TryReadString(JsonObject body, string name, out string? value, out string? problem)
    {
        value = null;
        problem = null;
        if (body[name] is not JsonNode node)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            problem = $"{name} must be a string, not {Describe(node)}.";
            return false;
        }

        value = node.GetValue<string>();
        return true;
    }

    /// <summary>An optional string property; a wrong type is an error naming the field.</summary>
    public static bool TryGetString(JsonObject body, string name, out string? value, out IResult? error)
    {
        var ok = TryReadString(body, name, out value, out var problem);
        error = ok ? null : ApiError.Invalid(problem!, name);
        return ok;
    }

    /// <summary>An optional integer property; strings, fractions and other types are errors naming the field.</summary>
    public static bool TryGetInteger(JsonObject body, string name, out long? value, out IResult? error)
    {
        value = null;
        error = null;
        if (body[name] is not JsonNode node)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<long>(out var v))
        {
            if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15)
            {
                value = (long)d;
                return true;
            }

            error = ApiError.Invalid($"{name} must be a plain integer (e.g. 2), not {Describe(node)}.", name);
            return false;
        }

        value = v;
        return true;
    }

    /// <summary>An optional decimal number property.</summary>
    public static bool TryGetDecimal(JsonObject body, string name, out decimal? value, out IResult? error)
    {
        value = null;
        error = null;
        if (body[name] is not JsonNode node)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<decimal>(out var v))
        {
            error = ApiError.Invalid($"{name} must be a number, not {Describe(node)}.", name);
            return false;
        }

        value = v;
        return true;
    }

    /// <summary>
    /// A short description of a JSON value's kind for messages. A whole number is "a number" (a prompt of 5 is not
    /// "a fraction"); only a number with a fractional part is called one, which is what an integer field refuses.
    /// </summary>
    public static string Describe(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => node.AsValue().TryGetValue<double>(out var d) && d != Math.Floor(d) ? "a fraction" : "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
