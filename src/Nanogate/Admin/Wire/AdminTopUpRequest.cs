namespace Nanogate.Admin.Wire;

/// <summary>The body of <c>POST /admin/v1/accounts/{id}/credits</c>: either credits, or a package and the dollars paid (described for OpenAPI; read field by field).</summary>
/// <param name="Credits">Credits to add.</param>
/// <param name="Package">A credit package: entry, plus, pro or best.</param>
/// <param name="Usd">The dollars paid, with a package.</param>
internal sealed record AdminTopUpRequest(long? Credits = null, string? Package = null, decimal? Usd = null);
