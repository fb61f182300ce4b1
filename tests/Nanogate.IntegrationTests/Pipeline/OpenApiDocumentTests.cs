using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Pipeline;

namespace Nanogate.IntegrationTests.Pipeline;

/// <summary>
/// /openapi/v1.json is a valid OpenAPI document that lists every mapped route, each with its dialect's error schema, a success
/// schema and (where it reads one) a request schema; real answers conform to the schemas they are documented with.
/// </summary>
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

    /// <summary>POST routes that read no body: their path says everything (a cancel, a rotation, a route that is always 404).</summary>
    private static readonly HashSet<string> Bodiless =
    [
        "POST /v1/tasks/{taskId}/cancel",
        "POST /v1/webhook-secret/rotate",
        "POST /admin/v1/admin-key/rotate",
        "POST /admin/v1/tasks/{taskId}/webhook",
        "POST /openai/v1/images/variations",
    ];

    /// <summary>A route kept only to refuse, in its dialect, what clients of the original API may call: it has no success answer.</summary>
    private static readonly HashSet<string> AlwaysRefused = ["POST /openai/v1/images/variations"];

    /// <summary>Routes that answer nothing but success: the process is up (/healthz), the metrics text (/metrics).</summary>
    private static readonly HashSet<string> NoErrorAnswer = ["GET /healthz", "GET /metrics"];

    [Fact]
    public async Task Every_route_has_a_success_schema_an_error_schema_and_a_request_schema_where_it_takes_a_body()
    {
        var doc = (await fixture.Server.Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var paths = doc["paths"]!.AsObject();
        var missing = new List<string>();
        var checkedRoutes = 0;
        foreach (var (route, operation) in Operations(paths))
        {
            checkedRoutes++;
            var responses = operation["responses"]?.AsObject() ?? [];
            if (!AlwaysRefused.Contains(route) && !responses.Any(r => r.Key.StartsWith('2') && HasSchema(r.Value)))
            {
                missing.Add($"{route}: no success (2xx) response with a schema");
            }

            if (!NoErrorAnswer.Contains(route) && !responses.Any(r => r.Key[0] is '4' or '5' && HasSchema(r.Value)))
            {
                missing.Add($"{route}: no error (4xx/5xx) response with a schema");
            }

            var takesBody = route.StartsWith("POST ", StringComparison.Ordinal) || route.StartsWith("PATCH ", StringComparison.Ordinal) || route.StartsWith("PUT ", StringComparison.Ordinal);
            if (takesBody && !Bodiless.Contains(route) && !HasSchema(operation["requestBody"]))
            {
                missing.Add($"{route}: takes a body but describes none");
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing));
        Assert.True(checkedRoutes > 25, $"only {checkedRoutes} routes checked");
    }

    [Fact]
    public async Task Every_dialect_describes_its_own_error_body_and_the_main_bodies_carry_examples()
    {
        var doc = (await fixture.Server.Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        string ErrorRef(string path, string method) =>
            doc["paths"]![path]![method]!["responses"]!["401"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
        Assert.Equal("#/components/schemas/ApiErrorBody", ErrorRef("/v1/images/generations", "post"));
        Assert.Equal("#/components/schemas/GeminiErrorBody", ErrorRef("/v1beta/models/{model}", "post"));
        Assert.Equal("#/components/schemas/OpenAiErrorBody", ErrorRef("/openai/v1/images/generations", "post"));
        Assert.Equal("#/components/schemas/ApiErrorBody", ErrorRef("/admin/v1/channels", "post"));

        var schemas = doc["components"]!["schemas"]!;
        foreach (var name in new[] { "ApiErrorBody", "GeminiErrorBody", "OpenAiErrorBody", "TaskAccepted", "TaskObject" })
        {
            Assert.True(schemas[name]?["examples"] is JsonArray { Count: > 0 }, $"{name} has no example");
        }

        var submit = doc["paths"]!["/v1/images/generations"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("nano-banana-2-lite", submit["examples"]![0]!["model"]!.GetValue<string>());
        Assert.Equal(["model", "prompt"], submit["required"]!.AsArray().Select(n => n!.GetValue<string>()));

        // Each dialect's own naming: Gemini's camelCase, the others' snake_case.
        Assert.NotNull(schemas["GeminiModelEntry"]!["properties"]!["displayName"]);
        Assert.NotNull(schemas["OpenAiModel"]!["properties"]!["owned_by"]);
        Assert.NotNull(schemas["TaskObject"]!["properties"]!["task_id"]);
    }

    [Fact]
    public async Task Real_answers_match_their_documented_schemas()
    {
        var doc = (await fixture.Server.Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var schemas = doc["components"]!["schemas"]!.AsObject();
        var account = await fixture.Server.CreateAccountAsync(10_000);
        using var client = account.Client();
        var problems = new List<string>();

        async Task<JsonNode> Answer(HttpResponseMessage response, string schema)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode || (int)response.StatusCode >= 400, body);
            var json = JsonNode.Parse(body)!;
            Conform(json, schemas[schema]!, schemas, schema, problems);
            return json;
        }

        var accepted = await Answer(await client.PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox", n = 2 }), "TaskAccepted");
        var taskId = accepted["task_id"]!.GetValue<string>();
        using (var wait = new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations") { Content = JsonContent.Create(new { model = "nano-banana-2-lite", prompt = "a fox" }) })
        {
            wait.Headers.Add("Prefer", "wait=30");
            var ended = await Answer(await client.SendAsync(wait), "TaskObject");
            Assert.Equal("succeeded", ended["status"]!.GetValue<string>());
        }

        await Answer(await client.GetAsync(new Uri($"/v1/tasks/{taskId}", UriKind.Relative)), "TaskObject");
        await Answer(await client.GetAsync(new Uri("/v1/tasks?limit=5", UriKind.Relative)), "TaskList");
        await Answer(await client.GetAsync(new Uri("/v1/tasks/task_nope", UriKind.Relative)), "ApiErrorBody");
        await Answer(await client.GetAsync(new Uri("/v1/account", UriKind.Relative)), "AccountBody");
        await Answer(await client.GetAsync(new Uri("/v1/webhook-secret", UriKind.Relative)), "WebhookSecretBody");
        await Answer(await client.GetAsync(new Uri("/v1/models", UriKind.Relative)), "CatalogList");
        await Answer(await client.GetAsync(new Uri("/v1/models/nano-banana-2", UriKind.Relative)), "CatalogModel");
        await Answer(await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox", response_format = "url" }), "OpenAiImagesResponse");
        await Answer(await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nope", prompt = "a fox" }), "OpenAiErrorBody");
        await Answer(await client.PostAsJsonAsync("/v1beta/models/gemini-3.1-flash-lite-image:generateContent", new { contents = new[] { new { parts = new[] { new { text = "a fox" } } } } }), "GeminiGenerateContentResponse");
        await Answer(await client.PostAsJsonAsync("/v1beta/models/nope:generateContent", new { contents = new[] { new { parts = new[] { new { text = "a fox" } } } } }), "GeminiErrorBody");
        await Answer(await fixture.Server.Admin.GetAsync(new Uri("/admin/v1/channels", UriKind.Relative)), "ChannelList");
        await Answer(await fixture.Server.Admin.PostAsJsonAsync("/admin/v1/channels/simulator/test", new { prompt = "a fox" }), "ChannelTestResult");
        await Answer(await fixture.Server.Client.GetAsync(new Uri("/healthz", UriKind.Relative)), "HealthBody");

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>Checks <paramref name="value"/> against an OpenAPI 3.1 schema: object keys documented, required keys present, types right.</summary>
    private static void Conform(JsonNode? value, JsonNode schema, JsonObject schemas, string at, List<string> problems)
    {
        if (schema["$ref"] is JsonValue reference)
        {
            var name = reference.GetValue<string>()["#/components/schemas/".Length..];
            Conform(value, schemas[name]!, schemas, at, problems);
            return;
        }

        if (schema["oneOf"] is JsonArray choices)
        {
            if (value is null && choices.Any(c => c?["type"]?.ToString() == "null"))
            {
                return;
            }

            Conform(value, choices.First(c => c?["type"]?.ToString() != "null")!, schemas, at, problems);
            return;
        }

        var types = schema["type"] switch
        {
            JsonArray many => many.Select(t => t!.GetValue<string>()).ToHashSet(),
            JsonValue one => [one.GetValue<string>()],
            _ => [],
        };
        var kind = value?.GetValueKind() switch
        {
            null or JsonValueKind.Null => "null",
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => value.ToJsonString().Contains('.', StringComparison.Ordinal) ? "number" : "integer",
            _ => "?",
        };
        if (types.Count > 0 && !types.Contains(kind) && !(kind == "integer" && types.Contains("number")))
        {
            problems.Add($"{at}: {kind}, documented as {string.Join("|", types)}");
            return;
        }

        if (value is JsonObject obj && schema["properties"] is JsonObject properties)
        {
            foreach (var (key, item) in obj)
            {
                if (properties[key] is not { } property)
                {
                    problems.Add($"{at}.{key}: not in the schema");
                    continue;
                }

                Conform(item, property, schemas, $"{at}.{key}", problems);
            }

            foreach (var required in schema["required"]?.AsArray() ?? [])
            {
                if (!obj.ContainsKey(required!.GetValue<string>()))
                {
                    problems.Add($"{at}.{required}: required but absent");
                }
            }
        }
        else if (value is JsonArray array && schema["items"] is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Conform(array[i], items, schemas, $"{at}[{i}]", problems);
            }
        }
    }

    private static IEnumerable<(string Route, JsonObject Operation)> Operations(JsonObject paths)
    {
        foreach (var (path, item) in paths)
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (operation is JsonObject op && method is "get" or "post" or "put" or "patch" or "delete")
                {
                    yield return ($"{method.ToUpperInvariant()} {path}", op);
                }
            }
        }
    }

    private static bool HasSchema(JsonNode? responseOrBody) =>
        responseOrBody?["content"] is JsonObject content && content.Any(c => c.Value?["schema"] is not null);

    /// <summary>A route parameter as ASP.NET writes it (<c>{**model}</c>, <c>{id:int}</c>) and as OpenAPI does (<c>{model}</c>).</summary>
    [GeneratedRegex(@"\{\**(?<name>[A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Parameter();
}
