using Nanogate.Core.Catalog;
using Nanogate.Hosting;

namespace Nanogate.Catalog;

/// <summary>The public model catalog: <c>GET /v1/models</c>.</summary>
public static class CatalogEndpoints
{
    /// <summary>Maps the catalog routes.</summary>
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/models", (ModelCatalog catalog) => Results.Json(new
        {
            @object = "list",
            data = catalog.Models.Select(m => Describe(catalog, m)),
            packages = catalog.Packages.Select(p => new { p.Id, p.Name, p.CreditsPerUsd, p.MinimumUsd }),
        }, JsonDefaults.Snake));

        routes.MapGet("/v1/models/{model}", (ModelCatalog catalog, string model) => catalog.Find(model) is { } found
            ? Results.Json(Describe(catalog, found), JsonDefaults.Snake)
            : ApiError.NotFound($"Unknown model \"{model}\". GET /v1/models lists the models and their aliases."));
        return routes;
    }

    /// <summary>Everything a client needs to validate and price a request for a model.</summary>
    public static object Describe(ModelCatalog catalog, ModelInfo m) => new
    {
        m.Id,
        @object = "model",
        m.DisplayName,
        m.Description,
        m.Aliases,
        Sizes = m.Sizes.Select(s => s.ToWire()),
        DefaultSize = m.DefaultSize.ToWire(),
        AspectRatios = m.AspectRatios.Select(r => r.ToString()),
        PixelSizes = m.Sizes.ToDictionary(s => s.ToWire(), s => m.AspectRatios.ToDictionary(r => r.ToString(), r => m.PixelsFor(r, s).ToString())),
        m.MaxReferenceImages,
        m.SupportsSearch,
        Thinking = m.Thinking switch { ThinkingSupport.Levels => "levels", ThinkingSupport.AlwaysOn => "always_on", _ => "none" },
        ThinkingLevels = m.Thinking == ThinkingSupport.Levels ? new[] { "minimal", "high" } : [],
        m.InputTokenLimit,
        m.OutputTokenLimit,
        Pricing = new
        {
            CreditsPerImage = m.Sizes.ToDictionary(s => s.ToWire(), m.PriceFor),
            UsdPerImage = m.Sizes.ToDictionary(s => s.ToWire(), s =>
            {
                var (low, high) = catalog.UsdRange(m.PriceFor(s));
                return new { Min = low, Max = high };
            }),
            TokensPerImage = m.TokensPerImage.ToDictionary(kv => kv.Key.ToWire(), kv => kv.Value),
            CreditsPerMillionTokens = new
            {
                m.TokenPrices.Input,
                m.TokenPrices.OutputText,
                OutputImage = Math.Round(m.TokenPrices.OutputImage, 2),
            },
        },
    };
}
