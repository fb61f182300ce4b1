namespace Nanogate.Pipeline;

/// <summary>Declares a route group's dialect and finds a request's.</summary>
public static class DialectEndpointExtensions
{
    /// <summary>Marks the routes as answering in <paramref name="dialect"/>.</summary>
    public static TBuilder WithDialect<TBuilder>(this TBuilder builder, Dialect dialect)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new DialectMetadata(dialect));

    /// <summary>Marks the routes as choosing their dialect per request.</summary>
    public static TBuilder WithDialect<TBuilder>(this TBuilder builder, IDialectSelector selector)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(selector);

    /// <summary>
    /// The dialect of a request: its endpoint's metadata, or <see cref="Dialect.Nanogate"/> where no endpoint
    /// matched or the endpoint names none (the documented default: <c>/healthz</c>, an unknown path, the playground).
    /// </summary>
    public static Dialect DialectOf(this HttpContext context, Endpoint? endpoint = null) =>
        (endpoint ?? context.GetEndpoint())?.Metadata.GetMetadata<IDialectSelector>()?.Select(context.Request) ?? Dialect.Nanogate;
}
