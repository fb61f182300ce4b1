namespace Nanogate.Pipeline;

/// <summary>A route group's fixed dialect, set with <see cref="DialectEndpointExtensions.WithDialect{TBuilder}(TBuilder, Dialect)"/>.</summary>
/// <param name="Dialect">The dialect.</param>
internal sealed record DialectMetadata(Dialect Dialect) : IDialectSelector
{
    /// <inheritdoc />
    public Dialect Select(HttpRequest request) => Dialect;
}
