using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nanogate.Auth;
using Nanogate.Core.Catalog;
using Nanogate.Tasks;

namespace Nanogate.OpenAi;

/// <summary>
/// The synchronous <c>images/generations</c> of <c>/openai/v1</c>, of the seed-004 prefix <c>/sync/v1</c> and of
/// keys whose <c>images_api</c> is <c>sync</c>. A JSON body is read by the task API's parser, so every
/// spelling the seeds use means the same here (<c>aspect_ratio</c>, <c>resolution</c>, <c>image_urls</c> as
/// URLs, data URIs or raw base64, the search flags) beside OpenAI's own <c>size</c>, <c>quality</c>,
/// <c>response_format</c>; every change is reported in <c>warnings</c> and <c>x-nanogate-adjustments</c>.
/// </summary>
internal sealed class ImageGenerationsHandler(TaskRequestParser parser, ModelCatalog catalog, OpenAiImageRunner runner)
{
    /// <summary>OpenAI fields read here rather than by the task parser.</summary>
    private static readonly FrozenSet<string> OpenAiFields = FrozenSet.Create(StringComparer.Ordinal, "response_format", "quality", "stream");

    /// <summary>Task-only fields: a synchronous answer has nothing to call back.</summary>
    private static readonly string[] CallbackFields = ["callback_url", "webhook", "callback_format"];

    /// <summary>
    /// Answers one request. <paramref name="urlByDefault"/>: without <c>response_format</c>, answer links
    /// (seed 004's platform does) rather than base64 (OpenAI's gpt-image models do).
    /// </summary>
    public async Task<IResult> HandleAsync(HttpContext context, Caller caller, TaskBody taskBody, bool urlByDefault)
    {
        var body = taskBody.Fields;
        if (body["stream"] is JsonNode stream && stream.GetValueKind() == JsonValueKind.True)
        {
            return OpenAiError.Invalid("stream is not supported: this gateway answers images/generations in one response.", "stream", "unsupported_value");
        }

        if (!TryString(body, "response_format", out var format, out var error) || !TryString(body, "quality", out var quality, out error))
        {
            return error!;
        }

        bool asUrl;
        switch (format?.Trim().ToLowerInvariant())
        {
            case null or "":
                asUrl = urlByDefault;
                break;
            case "b64_json":
                asUrl = false;
                break;
            case "url":
                asUrl = true;
                break;
            default:
                return OpenAiError.Invalid($"'{format}' is not one of ['url', 'b64_json'] - 'response_format'.", "response_format");
        }

        var warnings = new List<string>();
        foreach (var field in CallbackFields)
        {
            if (body[field] is JsonNode value && !(value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length == 0))
            {
                warnings.Add($"{field} is ignored: this route answers with the images (POST /v1/images/generations with a tasks key calls back)");
            }

            body.Remove(field);
        }

        // OpenAI's model parameter is optional; the catalog's first model is the default.
        if (body["model"] is null || body["model"] is JsonValue m && m.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(m.GetValue<string>()))
        {
            body["model"] = catalog.Models[0].Id;
        }

        var hasResolution = body["resolution"] is JsonValue r && r.GetValueKind() == JsonValueKind.String && r.GetValue<string>().Length > 0;
        var (parsed, parseError) = await parser.ParseAsync(taskBody, OpenAiFields, context.RequestAborted).ConfigureAwait(false);
        if (parseError is not null)
        {
            return parseError.Status == 404
                ? OpenAiError.ModelNotFound(body["model"]?.ToString() ?? string.Empty)
                : OpenAiError.Invalid(parseError.Message, parseError.Param);
        }

        var request = parsed!.Request;
        warnings.AddRange(request.Warnings);
        if (!string.IsNullOrWhiteSpace(quality))
        {
            if (!OpenAiRequestMapper.TryTier(quality, request.Model, warnings, out var tier, out error))
            {
                return error!;
            }

            if (hasResolution)
            {
                warnings.Add($"quality {quality} is ignored: resolution decides the tier");
            }
            else
            {
                request = request with { Size = tier };
            }
        }

        request = request with { Warnings = warnings };
        return await runner.RunAsync(context, caller, new OpenAiImageJob(request, asUrl, warnings)).ConfigureAwait(false);
    }

    /// <summary>
    /// The body of a request (read once: up to 14 data URIs of 10 MB, see <see cref="TaskBodyReader"/>), or the 400 to
    /// answer; a body past the limit throws Kestrel's 413, which the exception handler answers in the dialect.
    /// </summary>
    public static async Task<(TaskBody? Body, IResult? Error)> ReadBodyAsync(HttpContext context)
    {
        TaskBody? body;
        try
        {
            var raw = await TaskBodyReader.ReadAsync(context).ConfigureAwait(false);
            if (!Hosting.JsonBody.IsValidUtf8(raw.Span, out var utf8Error))
            {
                return (null, OpenAiError.Invalid(utf8Error, code: null));
            }

            body = TaskBodyReader.Parse(raw);
            if (body is not null && Hosting.JsonBody.FindLoneSurrogate(raw.Span, body.Fields) is { } where)
            {
                return (null, OpenAiError.Invalid(Hosting.JsonBody.LoneSurrogateMessage(where), code: null));
            }
        }
        catch (JsonException e)
        {
            return (null, OpenAiError.Invalid($"We could not parse the JSON body of your request: {e.Message}", code: null));
        }

        return body is not null
            ? (body, null)
            : (null, OpenAiError.Invalid("The request body must be a JSON object such as {\"model\":\"nano-banana-2-lite\",\"prompt\":\"…\"}.", code: null));
    }

    private static bool TryString(JsonObject body, string name, out string? value, out IResult? error)
    {
        var ok = Hosting.JsonBody.TryReadString(body, name, out value, out var problem);
        error = ok ? null : OpenAiError.Invalid(problem!, name, "invalid_type");
        return ok;
    }
}
