using System.Globalization;
using Nanogate.Auth;
using Nanogate.Catalog.Wire;
using Nanogate.Core.Catalog;
using Nanogate.Gemini;
using Nanogate.Hosting;
using Nanogate.Pipeline;

namespace Nanogate.Catalog;

/// <summary>The public model catalog: <c>GET /v1/models</c>.</summary>
internal static class CatalogEndpoints
{
    /// <summary>Maps the catalog routes.</summary>
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder routes)
    {
        // GET /v1/models is both the public catalog and, for Google's SDKs (@google/genai 3.x reads
        // models under /v1), Gemini's ListModels/GetModel: a Gemini-flavoured request gets Google's shape.
        // pageSize is read here, not bound: a catalog reader's odd query must not turn into a binding 400.
        var catalogRoutes = routes.MapGroup("").WithDialect(new CatalogDialect()).RequireAuthorization(NanogatePolicies.CatalogReader);
        catalogRoutes.MapGet("/v1/models", (HttpContext context, ModelCatalog catalog, string? pageSize, string? pageToken) =>
            IsGeminiFlavoured(context.Request)
                ? GeminiEndpoints.ListModels(catalog, int.TryParse(pageSize, NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : null, pageToken)
                : Results.Json(
                    new CatalogList(
                        "list",
                        [.. catalog.Models.Select(m => Describe(catalog, m))],
                        [.. catalog.Packages.Select(p => new CatalogPackage(p.Id, p.Name, p.CreditsPerUsd, p.MinimumUsd))],
                        ModelCatalog.Sources),
                    JsonDefaults.Snake))
            .Produces<CatalogList>()
            .WithDescription("The public catalog. A Gemini-flavoured request (x-goog-api-key, ?key= or x-goog-api-client) gets Google's ListModels page instead (see GET /v1beta/models).");

        catalogRoutes.MapGet("/v1/models/{model}", (HttpContext context, ModelCatalog catalog, string model) =>
            IsGeminiFlavoured(context.Request)
                ? GeminiEndpoints.GetModel(catalog, model)
                : catalog.Find(model) is { } found
                    ? Results.Json(Describe(catalog, found), JsonDefaults.Snake)
                    : ApiError.NotFound($"Unknown model \"{model}\". GET /v1/models lists the models and their aliases."))
            .Produces<CatalogModel>().ProducesErrors(Dialect.Nanogate, 404)
            .WithDescription("One catalog model. A Gemini-flavoured request gets Google's Model shape instead (see GET /v1beta/models/{model}).");
        return routes;
    }

    /// <summary>
    /// Whether a request speaks Gemini: Google's key header, a <c>?key=</c> query, or Google's client
    /// header (every official Gen AI SDK sends <c>x-goog-api-client</c>). Anything else is a catalog reader.
    /// </summary>
    public static bool IsGeminiFlavoured(HttpRequest request) =>
        request.Headers.ContainsKey("x-goog-api-key") || request.Query.ContainsKey("key") || request.Headers.ContainsKey("x-goog-api-client");

    /// <summary>Everything a client needs to validate and price a request for a model.</summary>
    internal static CatalogModel Describe(ModelCatalog catalog, ModelInfo m) => new(
        m.Id,
        "model",
        m.DisplayName,
        m.Description,
        m.Aliases,
        [.. m.Sizes.Select(s => s.ToWire())],
        m.DefaultSize.ToWire(),
        [.. m.AspectRatios.Select(r => r.ToString())],
        m.AspectRatios.ToDictionary(r => r.ToString(), r => m.AspectRatioSources.GetValueOrDefault(r) ?? []),
        m.ValueSources,
        m.Sizes.ToDictionary(s => s.ToWire(), s => m.AspectRatios.ToDictionary(r => r.ToString(), r => m.PixelsFor(r, s).ToString())),
        m.MaxReferenceImages,
        m.SupportsSearch,
        m.Thinking switch { ThinkingSupport.Levels => "levels", ThinkingSupport.AlwaysOn => "always_on", _ => "none" },
        m.Thinking == ThinkingSupport.Levels ? ["minimal", "high"] : [],
        m.InputTokenLimit,
        m.OutputTokenLimit,
        $"requests are refused (400) before any upstream call when the prompt's characters / {Core.Requests.InputTokenEstimate.CharsPerToken} + {Core.Requests.InputTokenEstimate.TokensPerImage} per input image exceed input_token_limit",
        new CatalogPricing(
            m.Sizes.ToDictionary(s => s.ToWire(), m.PriceFor),
            m.Sizes.ToDictionary(s => s.ToWire(), s =>
            {
                var (low, high) = catalog.UsdRange(m.PriceFor(s));
                return new UsdRange(low, high);
            }),
            m.TokensPerImage.ToDictionary(kv => kv.Key.ToWire(), kv => kv.Value),
            new CatalogTokenPrices(m.TokenPrices.Input, m.TokenPrices.OutputText, Math.Round(m.TokenPrices.OutputImage, 2))));
}
