using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.Hosting;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Admin;

/// <summary>Rotating the admin key through the admin API: the new key works at once, the old one stops.</summary>
public sealed class AdminKeyRotationTests
{
    [Fact]
    public async Task A_rotated_admin_key_replaces_the_old_one_at_once()
    {
        // An empty Admin:ApiKey overrides the test default: the key is generated and stored, as on a real first start.
        await using var server = await NanogateServer.StartAsync("Admin:ApiKey=");
        var banner = server.Services.GetRequiredService<Bootstrapper>().Banner;
        var firstKey = banner.Single(l => l.StartsWith("Admin key", StringComparison.Ordinal)).Split(": ")[1];

        using var first = Client(server, firstKey);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/admin/v1/accounts")).StatusCode);

        var rotated = await first.PostAsync("/admin/v1/admin-key/rotate", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var secondKey = (await rotated.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        Assert.StartsWith("sk-admin-", secondKey, StringComparison.Ordinal);
        Assert.NotEqual(firstKey, secondKey);

        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/admin/v1/accounts")).StatusCode);
        using var second = Client(server, secondKey);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/admin/v1/accounts")).StatusCode);
    }

    [Fact]
    public async Task A_key_set_by_configuration_cannot_be_rotated_through_the_api()
    {
        await using var server = await NanogateServer.StartAsync();
        var response = await server.Admin.PostAsync("/admin/v1/admin-key/rotate", null);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("Admin:ApiKey", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.GetAsync("/admin/v1/accounts")).StatusCode);
    }

    private static HttpClient Client(NanogateServer server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
