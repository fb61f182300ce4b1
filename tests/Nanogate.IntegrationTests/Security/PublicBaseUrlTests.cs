using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Security;

/// <summary>Links Nanogate hands out never come from a forged Host header.</summary>
public sealed class PublicBaseUrlTests
{
    [Fact]
    public async Task A_forged_host_header_does_not_reach_media_links_poll_urls_or_stored_webhook_links()
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync(1000);
        using var client = account.Client();

        var task = await SubmitAndWaitAsync(client, "evil.example:8443");
        var url = task["images"]![0]!["url"]!.GetValue<string>();
        Assert.StartsWith(server.BaseAddress.GetLeftPart(UriPartial.Authority) + "/v1/media/", url, StringComparison.Ordinal);
        Assert.DoesNotContain("evil.example", task.ToJsonString(), StringComparison.Ordinal);

        // The address the server listens on is trusted as given.
        var honest = await SubmitAndWaitAsync(client, null);
        Assert.StartsWith(server.BaseAddress.GetLeftPart(UriPartial.Authority), honest["images"]![0]!["url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_configured_public_base_url_every_link_uses_it_whatever_the_host_header()
    {
        await using var server = await NanogateServer.StartAsync("Server:PublicBaseUrl=https://images.example.com/");
        var account = await server.CreateAccountAsync(1000);
        using var client = account.Client();

        foreach (var host in new[] { null, "evil.example" })
        {
            var task = await SubmitAndWaitAsync(client, host);
            Assert.StartsWith("https://images.example.com/v1/media/", task["images"]![0]!["url"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_public_base_url_that_is_not_a_plain_origin_stops_the_start_naming_the_key()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => NanogateServer.StartAsync("Server:PublicBaseUrl=ftp://x/y?z"));
        Assert.Contains("Server:PublicBaseUrl", error.Message, StringComparison.Ordinal);
    }

    private static async Task<JsonObject> SubmitAndWaitAsync(HttpClient client, string? host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations")
        {
            Content = JsonContent.Create(new { model = "nano-banana-2-lite", prompt = "a lighthouse", n = 1 }),
        };
        request.Headers.Add("Prefer", "wait=30");
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{(int)response.StatusCode}");
        var task = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        return task;
    }
}
