using Microsoft.OpenApi;

namespace Nanogate.Pipeline;

/// <summary>
/// Describes a route's request body in /openapi/v1.json without <c>Accepts</c> metadata: that metadata also makes routing
/// refuse (415) a request whose Content-Type differs, and Nanogate's handlers read the body whatever the header says
/// (an SDK that sends none, curl's form default) and answer a bad body with the dialect's own 400.
/// </summary>
internal static class RequestBodyDescription
{
    /// <summary>The route takes a <typeparamref name="TBody"/> as <paramref name="contentType"/>.</summary>
    public static RouteHandlerBuilder DescribesRequestBody<TBody>(this RouteHandlerBuilder builder, string contentType = "application/json", bool required = true) =>
        builder.AddOpenApiOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(TBody), null, cancellationToken).ConfigureAwait(false);
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = required,
                Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() { Schema = schema } },
            };
        });
}
