using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;

namespace Nanogate.Tasks;

/// <summary>
/// Reads a body that may carry up to 14 data URIs of 10 MB (~187 MiB of base64) holding it in memory once.
/// </summary>
/// <remarks>
/// The usual way (MemoryStream, ToArray, JsonNode.Parse, GetValue&lt;string&gt;) holds such a body four to six
/// times over: the stream's doubling buffer (256 MiB), its copy (187 MiB), the document's copy (187 MiB) and each
/// data URI again as a UTF-16 string (twice its size: 374 MiB), before the images are even decoded; well over
/// 1 GiB for one request. Here the body is read once into one array of its exact size (Content-Length; a chunked
/// body grows by doubling, the one case with a transient second copy), walked with <see cref="Utf8JsonReader"/>,
/// and the large image strings stay slices of that array until each is decoded straight from its UTF-8 bytes into
/// an array of its exact decoded size. Measured by <c>ReferenceMemoryTests</c> (process-wide allocation counter): a
/// 186 MiB body of 14 data URIs of 10 MiB allocates 327 MiB in the server, i.e. the body (186) and the 14 decoded
/// images (140), nothing near a second copy of the body.
/// </remarks>
internal static class TaskBodyReader
{
    /// <summary>An image_urls string longer than this stays in the body buffer (a URL is far shorter; a data URI far longer).</summary>
    public const int InlineThreshold = 4096;

    /// <summary>What stands in <see cref="TaskBody.Fields"/> for a string kept in the buffer.</summary>
    public const string StandIn = "(inline image)";

    /// <summary>The whole body, read once (bounded by Kestrel's <c>MaxRequestBodySize</c>: 413 past it).</summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAsync(HttpContext context)
    {
        var declared = context.Request.ContentLength;
        var limit = context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize;
        if (declared is { } exact && (limit is null || exact <= limit) && exact <= Array.MaxLength)
        {
            var buffer = GC.AllocateUninitializedArray<byte>((int)exact);
            var read = await context.Request.Body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, context.RequestAborted).ConfigureAwait(false);
            return buffer.AsMemory(0, read);
        }

        // Chunked (or a Content-Length past the limit, which Kestrel answers with 413 as it is read).
        using var stream = new MemoryStream();
        await context.Request.Body.CopyToAsync(stream, context.RequestAborted).ConfigureAwait(false);
        return stream.GetBuffer().AsMemory(0, (int)stream.Length);
    }

    /// <summary>
    /// Splits <paramref name="raw"/> into its fields and its large image strings; null when the root is not an
    /// object; throws <see cref="JsonException"/> for bad JSON or a repeated key.
    /// </summary>
    public static TaskBody? Parse(ReadOnlyMemory<byte> raw)
    {
        var span = raw.Span;
        var reader = new Utf8JsonReader(span, new JsonReaderOptions { MaxDepth = Hosting.JsonBody.Strict.MaxDepth });
        if (!reader.Read())
        {
            throw new JsonException("The body is empty.");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            while (reader.Read())
            {
            }

            return null;
        }

        var fields = new JsonObject();
        var images = new Dictionary<int, ReadOnlyMemory<byte>>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (fields.ContainsKey(name))
            {
                throw new JsonException($"Duplicate property '{name}': send each field once.");
            }

            reader.Read();
            if (name == "image_urls" && reader.TokenType == JsonTokenType.StartArray)
            {
                var array = new JsonArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > InlineThreshold && !reader.ValueIsEscaped)
                    {
                        images[array.Count] = raw.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                        array.Add(StandIn);
                    }
                    else
                    {
                        array.Add(Value(ref reader, span));
                    }
                }

                fields[name] = array;
            }
            else
            {
                fields[name] = Value(ref reader, span);
            }
        }

        // Whatever follows the object must be nothing (the reader throws on anything else).
        while (reader.Read())
        {
        }

        return new TaskBody(fields, images);
    }

    private static JsonNode? Value(ref Utf8JsonReader reader, ReadOnlySpan<byte> span)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return JsonNode.Parse(span[start..(int)reader.BytesConsumed], documentOptions: Hosting.JsonBody.Strict);
    }
}
