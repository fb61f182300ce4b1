using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Pipeline;

namespace Nanogate.IntegrationTests.Pipeline;

/// <summary>/openapi/v1.json is a valid OpenAPI document that lists every mapped route, each with its dialect's error schema.</summary>
public sealed partial class OpenApiDocumentTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task The_document_reads_without_errors_in_the_OpenAPI_reader()
    {
        await using var stream = await fixture.Server.Client.GetStreamAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        var result = await OpenApiDocument.LoadAsync(stream, "json");
        Assert.NotNull(result.Document);
        Assert.Empty(result.Diagnostic!.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.True(result.Document!.Paths.Count > 25, $"only {result.Document.Paths.Count} paths");
    }

    [Fact]
    public async Task Every_mapped_route_is_in_the_document_and_every_dialect_route_has_an_error_schema()
    {
        var doc = (await fixture.Server.Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var paths = doc["paths"]!.AsObject();
        var endpoints = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .ToList();
        Assert.True(endpoints.Count > 25, $"only {endpoints.Count} endpoints");
        var missing = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var path = Parameter().Replace(endpoint.RoutePattern.RawText ?? "", m => "{" + m.Groups["name"].Value + "}");
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                if (paths[path]?[method.ToLowerInvariant()] is not JsonObject operation)
                {
                    missing.Add($"{method} {path}: not in the document");
                    continue;
                }

                if (endpoint.Metadata.GetMetadata<IDialectSelector>() is not null
                    && operation["responses"]?["401"]?["content"]?["application/json"]?["schema"] is null)
                {
                    missing.Add($"{method} {path}: no error schema");
                }
            }
        }

        Assert.Empty(missing);
    }

    /// <summary>A route parameter as ASP.NET writes it (<c>{**model}</c>, <c>{id:int}</c>) and as OpenAPI does (<c>{model}</c>).</summary>
    [GeneratedRegex(@"\{\**(?<name>[A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Parameter();
}
