using System.Globalization;
using Nanogate.Auth;
using Nanogate.Core.Catalog;
using Nanogate.Core.Images;
using Nanogate.Core.Requests;
using Nanogate.Generation;
using Nanogate.OpenAi.Wire;
using Nanogate.Pipeline;

namespace Nanogate.OpenAi;

/// <summary>
/// Dialect 3: OpenAI's Images API, synchronous, under <c>/openai/v1</c>. Only a translator at the
/// edge: requests become <see cref="ImageRequest"/>s, made by the shared <see cref="ImageGenerator"/>
/// and billed per image like the task API.
/// </summary>
internal static class OpenAiEndpoints
{
    /// <summary>When the catalog's models are listed as created (OpenAI's listing requires a date).</summary>
    private const long CatalogCreated = 1767225600; // 2026-01-01T00:00:00Z

    /// <summary>Maps the routes under /openai/v1.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder routes)
    {
        var open = routes.MapGroup("/openai/v1").WithDialect(Dialect.OpenAi);
        var group = open.MapGroup("").RequireAuthorization(NanogatePolicies.UserKey);
        group.MapPost("/images/generations", (HttpContext context, Caller caller, ImageGenerationsHandler handler) =>
            GenerationsAsync(context, caller, handler, urlByDefault: false)).DescribeGenerations().WithSyncGenerationBound(Dialect.OpenAi);
        group.MapPost("/images/edits", EditsAsync).DescribeEdits().WithSyncGenerationBound(Dialect.OpenAi);
        open.MapPost("/images/variations", () => OpenAiError.Result(404, "invalid_request_error", "unknown_url",
            "images/variations is not supported: use images/edits with a prompt describing the variation."))
            .Produces<OpenAiErrorBody>(StatusCodes.Status404NotFound)
            .WithDescription("Not supported: always 404 unknown_url (use images/edits with a prompt describing the variation).");
        group.MapGet("/models", ListModels).Produces<OpenAiModelList>();

        // Seed 004's platform (a synchronous /v1/images/generations): its users change the base URL to
        // {nanogate}/sync/v1 and keep their requests; the plain /v1/images/generations stays the task API.
        routes.MapPost("/sync/v1/images/generations", (HttpContext context, Caller caller, ImageGenerationsHandler handler) =>
            GenerationsAsync(context, caller, handler, urlByDefault: true))
            .WithDialect(Dialect.OpenAi).RequireAuthorization(NanogatePolicies.UserKey).DescribeGenerations().WithSyncGenerationBound(Dialect.OpenAi);
        group.MapGet("/models/{**model}", GetModel).Produces<OpenAiModel>().Produces<OpenAiErrorBody>(StatusCodes.Status404NotFound);
        open.MapFallback(() => OpenAiError.Result(404, "invalid_request_error", "unknown_url",
            "Unknown route. This gateway serves POST /openai/v1/images/generations, POST /openai/v1/images/edits and GET /openai/v1/models."))
            .ExcludeFromDescription();
        return routes;
    }

    private static IResult ListModels(ModelCatalog catalog) =>
        Results.Json(new OpenAiModelList("list", catalog.Models.Select(Describe).ToList()), OpenAiJsonContext.Default.OpenAiModelList);

    private static IResult GetModel(ModelCatalog catalog, string model) =>
        catalog.Find(model) is { } found
            ? Results.Json(Describe(found), OpenAiJsonContext.Default.OpenAiModel)
            : OpenAiError.ModelNotFound(model);

    private static OpenAiModel Describe(ModelInfo model) => new(model.Id, "model", CatalogCreated, "google");

    /// <summary>
    /// POST …/images/generations, synchronous: OpenAI's fields and seed 004's. <paramref name="urlByDefault"/>
    /// is true on the seed-004 prefix, whose platform answers links.
    /// </summary>
    internal static async Task<IResult> GenerationsAsync(HttpContext context, Caller caller, ImageGenerationsHandler handler, bool urlByDefault)
    {
        var (body, error) = await ImageGenerationsHandler.ReadBodyAsync(context).ConfigureAwait(false);
        return body is null ? error! : await handler.HandleAsync(context, caller, body, urlByDefault).ConfigureAwait(false);
    }

    private static async Task<IResult> EditsAsync(HttpContext context, Caller caller, ModelCatalog catalog, OpenAiImageRunner runner)
    {
        if (!context.Request.HasFormContentType)
        {
            return OpenAiError.Invalid("images/edits takes multipart/form-data with one or more image files (field image or image[]) and a prompt.", "image", "invalid_content_type");
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
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
}
