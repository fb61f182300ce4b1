namespace Nanogate.Catalog.Wire;

/// <summary>A model's prices.</summary>
/// <param name="CreditsPerImage">Tier → credits per image.</param>
/// <param name="UsdPerImage">Tier → US dollars per image, from the cheapest to the dearest package.</param>
/// <param name="TokensPerImage">Tier → output tokens an image counts as.</param>
/// <param name="CreditsPerMillionTokens">Token prices (the Gemini dialect bills tokens).</param>
internal sealed record CatalogPricing(
    IReadOnlyDictionary<string, int> CreditsPerImage,
    IReadOnlyDictionary<string, UsdRange> UsdPerImage,
    IReadOnlyDictionary<string, int> TokensPerImage,
    CatalogTokenPrices CreditsPerMillionTokens);
