using System.Text.Json.Serialization;

namespace Nanogate.Catalog.Wire;

/// <summary><c>GET /v1/models</c> for a catalog reader: every model, the credit packages and the documents the values come from.</summary>
/// <param name="Object">Always <c>list</c>.</param>
/// <param name="Data">The models.</param>
/// <param name="Packages">The ways to buy credits.</param>
/// <param name="Sources">The documents the catalog's values come from, by the key used in the models' <c>*_sources</c>.</param>
internal sealed record CatalogList(
    [property: JsonPropertyName("object")] string Object,
    IReadOnlyList<CatalogModel> Data,
    IReadOnlyList<CatalogPackage> Packages,
    IReadOnlyDictionary<string, string> Sources);
