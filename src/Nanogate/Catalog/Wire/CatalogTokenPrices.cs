namespace Nanogate.Catalog.Wire;

/// <summary>Credits per million tokens.</summary>
/// <param name="Input">Input tokens.</param>
/// <param name="OutputText">Output text (and thinking) tokens.</param>
/// <param name="OutputImage">Output image tokens.</param>
internal sealed record CatalogTokenPrices(decimal Input, decimal OutputText, decimal OutputImage);
