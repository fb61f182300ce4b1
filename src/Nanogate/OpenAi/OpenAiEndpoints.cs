using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nanogate.Auth;
using Nanogate.Core.Catalog;
using Nanogate.Core.Images;
using Nanogate.Core.Requests;
using Nanogate.Generation;
using Nanogate.Storage.Ledger;

namespace Nanogate.OpenAi;

/// <summary>
/// Dialect 3: OpenAI's Images API, synchronous, under <c>/openai/v1</c>. Only a translator at the
/// edge: requests become <see cref="ImageRequest"/>s, made by the shared <see cref="ImageGenerator"/>
/// and billed per image like the task API.
/// </summary>
public static class OpenAiEndpoints
{
    /// <summary>When the catalog's models are listed as created (OpenAI's listing requires a date).</summary>
    private const long CatalogCreated = 1767225600; // 2026-01-01T00:00:00Z

    /// <summary>Maps the routes under /openai/v1.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/openai/v1");
        group.MapPost("/images/generations", GenerationsAsync);
        group.MapPost("/images/edits", EditsAsync);
        group.MapPost("/images/variations", () => OpenAiError.Result(404, "invalid_request_error", "unknown_url",
            "images/variations is not supported: use images/edits with a prompt describing the variation."));
        group.MapGet("/models", ListModelsAsync);
        group.MapGet("/models/{**model}", GetModelAsync);
        group.MapFallback(() => OpenAiError.Result(404, "invalid_request_error", "unknown_url",
            "Unknown route. This gateway serves POST /openai/v1/images/generations, POST /openai/v1/images/edits and GET /openai/v1/models."));
        return routes;
    }

    /// <summary>The caller, or the 401 to answer (this dialect takes Bearer keys only, as OpenAI).</summary>
    private static async Task<(Caller? Caller, IResult? Denied)> AuthenticateAsync(HttpContext context, ApiKeyAuthenticator auth)
    {
        var key = ApiKeyAuthenticator.ExtractKey(context.Request, geminiStyle: false);
        var caller = await auth.AuthenticateAsync(key, context.RequestAborted).ConfigureAwait(false);
        return caller is null ? (null, OpenAiError.InvalidApiKey(key is not null)) : (caller, null);
    }

    private static async Task<IResult> ListModelsAsync(HttpContext context, ApiKeyAuthenticator auth, ModelCatalog catalog)
    {
        if ((await AuthenticateAsync(context, auth).ConfigureAwait(false)).Denied is { } denied)
        {
            return denied;
        }

        var list = new OpenAiModelList("list", catalog.Models.Select(Describe).ToList());
        return Results.Json(list, OpenAiJsonContext.Default.OpenAiModelList);
    }

    private static async Task<IResult> GetModelAsync(HttpContext context, ApiKeyAuthenticator auth, ModelCatalog catalog, string model)
    {
        if ((await AuthenticateAsync(context, auth).ConfigureAwait(false)).Denied is { } denied)
        {
            return denied;
        }

        return catalog.Find(model) is { } found
            ? Results.Json(Describe(found), OpenAiJsonContext.Default.OpenAiModel)
            : OpenAiError.ModelNotFound(model);
    }

    private static OpenAiModel Describe(ModelInfo model) => new(model.Id, "model", CatalogCreated, "google");

    private static async Task<IResult> GenerationsAsync(HttpContext context, ApiKeyAuthenticator auth, ModelCatalog catalog, OpenAiImageRunner runner)
    {
        var (caller, denied) = await AuthenticateAsync(context, auth).ConfigureAwait(false);
        if (caller is null)
        {
            return denied!;
        }

        JsonNode? node;
        try
        {
            var raw = await Hosting.JsonBody.ReadAllAsync(context).ConfigureAwait(false);
            if (!Hosting.JsonBody.IsValidUtf8(raw, out var utf8Error))
            {
                return OpenAiError.Invalid(utf8Error, code: null);
            }

            node = JsonNode.Parse(raw, documentOptions: Hosting.JsonBody.Strict);
            if (Hosting.JsonBody.FindLoneSurrogate(raw, node) is { } where)
            {
                return OpenAiError.Invalid(Hosting.JsonBody.LoneSurrogateMessage(where), code: null);
            }
        }
        catch (JsonException e)
        {
            return OpenAiError.Invalid($"We could not parse the JSON body of your request: {e.Message}", code: null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(context);
        }

        if (node is not JsonObject body)
        {
            return OpenAiError.Invalid("The request body must be a JSON object such as {\"model\":\"nano-banana-2-lite\",\"prompt\":\"…\"}.", code: null);
        }

        if (body["stream"] is JsonNode stream && stream.GetValueKind() == JsonValueKind.True)
        {
            return OpenAiError.Invalid("stream is not supported: this gateway answers images/generations in one response.", "stream", "unsupported_value");
        }

        if (!TryString(body, "model", out var model, out var error)
            || !TryString(body, "prompt", out var prompt, out error)
            || !TryString(body, "size", out var size, out error)
            || !TryString(body, "quality", out var quality, out error)
            || !TryString(body, "response_format", out var format, out error)
            || !TryInteger(body, "n", out var n, out error))
        {
            return error!;
        }

        if (!OpenAiRequestMapper.TryMap(new OpenAiImageParams(model, prompt, n, size, quality, format), catalog, [], out var job, out error))
        {
            return error!;
        }

        return await runner.RunAsync(context, caller, job!).ConfigureAwait(false);
    }

    private static async Task<IResult> EditsAsync(HttpContext context, ApiKeyAuthenticator auth, ModelCatalog catalog, OpenAiImageRunner runner)
    {
        var (caller, denied) = await AuthenticateAsync(context, auth).ConfigureAwait(false);
        if (caller is null)
        {
            return denied!;
        }

        if (!context.Request.HasFormContentType)
        {
            return OpenAiError.Invalid("images/edits takes multipart/form-data with one or more image files (field image or image[]) and a prompt.", "image", "invalid_content_type");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(context);
        }
        catch (InvalidDataException e)
        {
            return OpenAiError.Invalid($"The multipart body could not be read: {e.Message}", code: null);
        }
        catch (IOException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            // A boundary that never appears, or a body cut off mid-part: the reader runs out of stream.
            return OpenAiError.Invalid($"The multipart body could not be read ({e.Message}). Check that the boundary in Content-Type matches the body and that the body is complete.", code: null);
        }

        if (form.Files.Any(f => f.Name is "mask"))
        {
            return OpenAiError.Invalid("mask is not supported: the Gemini image models edit from the prompt. Describe the change (e.g. \"replace the sky with a sunset\") and send only the image.", "mask", "unsupported_parameter");
        }

        var files = form.Files.Where(f => f.Name is "image" or "image[]" || f.Name.StartsWith("image[", StringComparison.Ordinal)).ToList();
        if (files.Count == 0)
        {
            return OpenAiError.Invalid("image is required: attach one or more PNG, JPEG or WebP files as image (or image[]).", "image", "missing_required_parameter");
        }

        var references = new List<ReferenceImage>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var label = files.Count == 1 ? $"image '{file.FileName}'" : $"image {i + 1} ('{file.FileName}')";
            if (file.Length > Nanogate.Core.Requests.ReferenceImage.MaxBytes)
            {
                return OpenAiError.Invalid($"{label} is {file.Length / (1024.0 * 1024.0):0.0} MB; each image may be at most 10 MB.", "image", "image_too_large");
            }

            var bytes = new byte[file.Length];
            await using (var stream = file.OpenReadStream())
            {
                await stream.ReadExactlyAsync(bytes, context.RequestAborted).ConfigureAwait(false);
            }

            if (!ImageSniffer.TryIdentify(bytes, out var info))
            {
                return OpenAiError.Invalid($"{label} is not a JPEG, PNG or WebP image (judged by its bytes, not its name or declared type).", "image", "invalid_image_format");
            }

            references.Add(new ReferenceImage(bytes, info.MimeType, info.Width, info.Height));
        }

        long? n = null;
        var nText = form["n"].ToString();
        if (!string.IsNullOrWhiteSpace(nText))
        {
            if (!long.TryParse(nText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed))
            {
                return OpenAiError.Invalid($"n must be an integer between 1 and {OpenAiRequestMapper.MaxImages}; got '{nText}'.", "n");
            }

            n = parsed;
        }

        var parameters = new OpenAiImageParams(Field(form, "model"), Field(form, "prompt"), n, Field(form, "size"), Field(form, "quality"), Field(form, "response_format"));
        if (!OpenAiRequestMapper.TryMap(parameters, catalog, references, out var job, out var error))
        {
            return error!;
        }

        return await runner.RunAsync(context, caller, job!).ConfigureAwait(false);
    }

    private static string? Field(IFormCollection form, string name) => form.TryGetValue(name, out var v) && v.Count > 0 ? v.ToString() : null;

    private static IResult TooLarge(HttpContext context) => Hosting.RequestLimits.TooLarge(context,
        (_, message) => OpenAiError.Result(413, "invalid_request_error", "request_too_large", message));

    private static bool TryString(JsonObject body, string name, out string? value, out IResult? error)
    {
        value = null;
        error = null;
        if (body[name] is not JsonNode node)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            error = OpenAiError.Invalid($"{name} must be a string, not {Hosting.JsonBody.Describe(node)}.", name, "invalid_type");
            return false;
        }

        value = node.GetValue<string>();
        return true;
    }

    private static bool TryInteger(JsonObject body, string name, out long? value, out IResult? error)
    {
        value = null;
        error = null;
        if (body[name] is not JsonNode node)
        {
            return true;
        }

        if (node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e9)
        {
            value = (long)d;
            return true;
        }

        error = OpenAiError.Invalid($"{name} must be a plain integer (e.g. 2), not {Hosting.JsonBody.Describe(node)}.", name, "invalid_type");
        return false;
    }
}
