using Nanogate.Pipeline;

namespace Nanogate.Catalog;

/// <summary><c>GET /v1/models</c> speaks Gemini to a Gemini-flavoured request (Google's ListModels), else Nanogate's own shape.</summary>
internal sealed class CatalogDialect : IDialectSelector
{
    /// <inheritdoc />
    public Dialect Select(HttpRequest request) => CatalogEndpoints.IsGeminiFlavoured(request) ? Dialect.Gemini : Dialect.Nanogate;
}
