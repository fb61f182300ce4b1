using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.Auth;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Pipeline;

namespace Nanogate.IntegrationTests.Pipeline;

/// <summary>
/// Every mapped route declares its audience as an authorization policy (no handler authenticates by hand) and its
/// dialect as metadata; the refusals come out in each dialect's own shape.
/// </summary>
public sealed class RoutePolicyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    /// <summary>The audience of every route, by pattern prefix; null: open (no key read at all).</summary>
    private static string? ExpectedPolicy(string pattern, bool get) => pattern switch
    {
        _ when pattern.StartsWith("/admin/v1", StringComparison.Ordinal) => NanogatePolicies.AdminKey,
        "/v1/media/{id}" => NanogatePolicies.SignedMediaLink,
        "/v1/models" or "/v1/models/{model}" when get => NanogatePolicies.CatalogReader,
        "/openai/v1/images/variations" or "/openai/v1/{*path:nonfile}" or "/v1beta/{**path}" => null,
        _ when pattern.StartsWith("/v1/", StringComparison.Ordinal) && pattern != "/v1/relay-callbacks/{token}" => NanogatePolicies.UserKey,
        _ when pattern.StartsWith("/v1beta/", StringComparison.Ordinal) || pattern.StartsWith("/openai/v1/", StringComparison.Ordinal) || pattern.StartsWith("/sync/v1/", StringComparison.Ordinal) => NanogatePolicies.UserKey,
        _ => null,
    };

    [Fact]
    public void Every_route_declares_the_policy_of_its_audience()
    {
        var endpoints = fixture.Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 30, $"only {endpoints.Count} endpoints");
        var wrong = new List<string>();
        foreach (var endpoint in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            var get = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("GET") ?? true;
            var expected = ExpectedPolicy(pattern, get);
            var actual = policies.Count == 0 ? null : string.Join(",", policies);
            if (actual != expected)
            {
                wrong.Add($"{pattern}: {actual ?? "none"}, expected {expected ?? "none"}");
            }

            if (expected is not null && endpoint.Metadata.GetMetadata<IDialectSelector>() is null)
            {
                wrong.Add($"{pattern}: no dialect metadata");
            }
        }

        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("GET", "/v1/tasks", "code", "unauthenticated")]
    [InlineData("GET", "/v1/account", "code", "unauthenticated")]
    [InlineData("GET", "/admin/v1/accounts", "code", "unauthenticated")]
    [InlineData("GET", "/v1beta/models", "status", "UNAUTHENTICATED")]
    [InlineData("POST", "/v1beta/models/nano-banana-2-lite:generateContent", "status", "UNAUTHENTICATED")]
    [InlineData("GET", "/openai/v1/models", "code", "invalid_api_key")]
    [InlineData("POST", "/sync/v1/images/generations", "code", "invalid_api_key")]
    public async Task A_request_without_a_key_is_401_in_the_routes_dialect(string method, string path, string field, string value)
    {
        using var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent("{}") : null });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        Assert.Equal(value, error[field]!.GetValue<string>());
        Assert.Contains("key", error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_admin_key_on_a_user_route_and_a_user_key_on_an_admin_route_are_both_401()
    {
        var account = await fixture.Server.CreateAccountAsync(10);
        using var asAdmin = await fixture.Server.Admin.GetAsync(new Uri("/v1/account", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, asAdmin.StatusCode);
        using var user = account.Client();
        using var asUser = await user.GetAsync(new Uri("/admin/v1/accounts", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, asUser.StatusCode);
        Assert.Contains("admin key", (await asUser.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        using var ok = await user.GetAsync(new Uri("/v1/account", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Google_key_styles_are_read_on_the_gemini_dialect_only()
    {
        var account = await fixture.Server.CreateAccountAsync(10);
        using var client = new HttpClient { BaseAddress = fixture.Server.BaseAddress };
        using var gemini = await client.GetAsync(new Uri("/v1beta/models?key=" + account.Key, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, gemini.StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/account");
        request.Headers.Add("x-goog-api-key", account.Key);
        using var tasks = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, tasks.StatusCode);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/v1beta/models");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.Key);
        using var geminiBearer = await client.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.OK, geminiBearer.StatusCode);
    }
}
