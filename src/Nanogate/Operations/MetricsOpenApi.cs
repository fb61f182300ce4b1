using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Nanogate.Operations;

/// <summary>
/// Describes <c>GET /metrics</c> in /openapi/v1.json. The route is the OpenTelemetry Prometheus exporter's own
/// endpoint (<see cref="TelemetrySetup.MapMetrics"/>), which carries no handler method for the framework to describe,
/// so the document gets it here: a text body in the Prometheus exposition format, no authentication, no error body.
/// </summary>
internal sealed class MetricsOpenApi : IOpenApiDocumentTransformer
{
    /// <inheritdoc />
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Paths ??= [];
        document.Paths["/metrics"] = new OpenApiPathItem
        {
            Operations = new Dictionary<HttpMethod, OpenApiOperation>
            {
                [HttpMethod.Get] = new()
                {
                    OperationId = "GetMetrics",
                    Summary = "Prometheus metrics",
                    Description = "Nanogate's meter (requests, images, credits, channels, webhooks) with the ASP.NET Core, HttpClient and runtime instrumentation, in the Prometheus text format 0.0.4 (OpenMetrics when the Accept header asks for it). See docs/observability.md.",
                    Responses = new OpenApiResponses
                    {
                        ["200"] = new OpenApiResponse
                        {
                            Description = "The current values of every instrument.",
                            Content = new Dictionary<string, OpenApiMediaType>
                            {
                                ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
                            },
                        },
                    },
                },
            },
        };
        return Task.CompletedTask;
    }
}
