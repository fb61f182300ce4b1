
namespace Nanogate.Pipeline;

/// <summary>Declares a route group's dialect and finds a request's.</summary>
internal static class DialectEndpointExtensions
{
    /// <summary>
    /// Marks the routes as answering in <paramref name="dialect"/>, and describes the dialect's error body for the
    /// OpenAPI document (400, 401 and 500 on every route of the dialect; a route adds its own statuses).
    /// </summary>
    public static TBuilder WithDialect<TBuilder>(this TBuilder builder, Dialect dialect)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new DialectMetadata(dialect)).WithErrors(ErrorBodyOf(dialect));

    /// <summary>Marks the routes as choosing their dialect per request (errors described in Nanogate's shape).</summary>
    public static TBuilder WithDialect<TBuilder>(this TBuilder builder, IDialectSelector selector)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(selector).WithErrors(ErrorBodyOf(Dialect.Nanogate));

    /// <summary>Describes further error statuses of a route (beyond 400, 401 and 500) in its dialect's error body, for OpenAPI.</summary>
    public static TBuilder ProducesErrors<TBuilder>(this TBuilder builder, Dialect dialect, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        var body = ErrorBodyOf(dialect);
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, body, ["application/json"]));
        }

        return builder;
    }

    /// <summary>The type of a dialect's error body (for OpenAPI).</summary>
    public static Type ErrorBodyOf(Dialect dialect) => dialect switch
    {
        Dialect.Gemini => typeof(Gemini.GeminiErrorBody),
        Dialect.OpenAi => typeof(OpenAi.OpenAiErrorBody),
        _ => typeof(Hosting.ApiErrorBody),
    };

    private static TBuilder WithErrors<TBuilder>(this TBuilder builder, Type body)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(
            new ProducesResponseTypeMetadata(StatusCodes.Status400BadRequest, body, ["application/json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, body, ["application/json"]),
            new ProducesResponseTypeMetadata(StatusCodes.Status500InternalServerError, body, ["application/json"]));

    /// <summary>
    /// The dialect of a request: its endpoint's metadata, or <see cref="Dialect.Nanogate"/> where no endpoint
    /// matched or the endpoint names none (the documented default: <c>/healthz</c>, an unknown path, the playground).
    /// </summary>
    public static Dialect DialectOf(this HttpContext context, Endpoint? endpoint = null) =>
        (endpoint ?? context.GetEndpoint())?.Metadata.GetMetadata<IDialectSelector>()?.Select(context.Request) ?? Dialect.Nanogate;
}
