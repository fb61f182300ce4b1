using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;
using static Nanogate.IntegrationTests.Gemini.GeminiDialectTests;

namespace Nanogate.IntegrationTests.Gemini;

public class GeminiBillingAndFaultTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Lite = "/v1beta/models/nano-banana-2-lite:generateContent";

    private NanogateServer Server => fixture.Server;

    [Theory]
    [InlineData("[sim:429]", 429, "RESOURCE_EXHAUSTED")]
    [InlineData("[sim:500]", 503, "UNAVAILABLE")]
    [InlineData("[sim:503]", 503, "UNAVAILABLE")]
    [InlineData("[sim:timeout]", 504, "DEADLINE_EXCEEDED")]
    [InlineData("[sim:malformed]", 502, "INTERNAL")]
    public async Task Each_upstream_fault_maps_to_its_error_and_refunds_everything(string marker, int status, string googleStatus)
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync(Lite, Body($"a fox {marker}"));
        await ErrorOf(response, status, googleStatus);
        if (status == 429)
        {
            Assert.True(response.Headers.RetryAfter is not null, "429 must carry Retry-After");
        }

        var balance = await account.BalanceAsync();
        Assert.Equal(1_000, balance.Available);
        Assert.Equal(0, balance.Reserved);
        Assert.Equal(0, balance.Charged);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Theory]
    [InlineData("[sim:blocked]", "IMAGE_SAFETY")]
    [InlineData("[sim:noimage]", "NO_IMAGE")]
    public async Task Imageless_answers_pass_through_like_google_and_charge_no_image(string marker, string finishReason)
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync(Lite, Body($"a fox {marker}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(finishReason, json["candidates"]![0]!["finishReason"]!.GetValue<string>());
        var balance = await account.BalanceAsync();
        Assert.True(balance.Charged < 5, $"no image was made, yet {balance.Charged} credits were charged");
        Assert.Equal(0, balance.Reserved);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Sse_stream_is_framed_exactly_like_googles_and_billed()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:streamGenerateContent?alt=sse", Body("a boat", "4:3"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("\r\n\r\n", text, StringComparison.Ordinal);
        var events = text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(events.Length >= 2);
        Assert.All(events, e => Assert.StartsWith("data: {", e, StringComparison.Ordinal));
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        var parsed = events.Select(e => JsonNode.Parse(e["data: ".Length..])!.AsObject()).ToList();
        Assert.Equal("STOP", parsed[^1]["candidates"]![0]!["finishReason"]!.GetValue<string>());
        var image = parsed.SelectMany(p => p["candidates"]![0]!["content"]?["parts"]?.AsArray() ?? [])
            .Last(p => p!["inlineData"] is not null && p["thought"]?.GetValue<bool>() != true)!;
        Assert.Equal((1200, 896), Png.Size(Convert.FromBase64String(image["inlineData"]!["data"]!.GetValue<string>())));

        var balance = await account.BalanceAsync();
        Assert.Equal(45, balance.Charged);
        Assert.Equal(0, balance.Reserved);
    }

    [Fact]
    public async Task Stream_without_alt_sse_is_a_json_array()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:streamGenerateContent", Body("a boat"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var array = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        Assert.True(array.Count >= 2);
        Assert.Equal("STOP", array[^1]!["candidates"]![0]!["finishReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_fault_before_the_first_event_is_an_error_and_a_refund()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:streamGenerateContent?alt=sse", Body("x [sim:503]")), 503, "UNAVAILABLE");
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task Every_response_carries_a_request_id()
    {
        foreach (var path in new[] { "/healthz", "/readyz", "/v1/models", "/no/such/route", "/v1beta/models" })
        {
            var response = await Server.Client.GetAsync(path);
            Assert.StartsWith("req_", response.Headers.GetValues("x-request-id").Single(), StringComparison.Ordinal);
        }
    }
}

public class GeminiBodyLimitTests
{
    [Fact]
    public async Task A_body_over_the_limit_is_413_with_a_message_not_a_crash()
    {
        await using var server = await NanogateServer.StartAsync("Limits:MaxRequestBodyMB=1");
        var account = await server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var big = Body(new string('a', 2 * 1024 * 1024));
        var response = await client.PostAsync("/v1beta/models/nano-banana-2-lite:generateContent", new StringContent(big.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("Limits:MaxRequestBodyMB", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);

        // The server is still fine afterwards.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Body("small"))).StatusCode);
    }
}

/// <summary>Its own server, with an upstream timeout long enough for the held requests on a loaded machine.</summary>
public class GeminiConcurrencyTests
{
    private const string Lite = "/v1beta/models/nano-banana-2-lite:generateContent";

    [Fact]
    public async Task Hundred_concurrent_requests_against_a_balance_for_ten_let_exactly_ten_through()
    {
        // The 100 requests race for the balance, not for the synchronous concurrency bound (Pipeline/SyncBackpressureTests).
        await using var server = await NanogateServer.StartAsync("Upstreams:TimeoutSeconds=60", "Limits:MaxSyncGenerations=100", "Limits:MaxSyncGenerationsPerAccount=100");

        // Find the hold for one request by failing one on purpose with a tiny balance.
        var probe = await server.CreateAccountAsync(1);
        using (var probeClient = probe.Client())
        {
            var message = (await ErrorOf(await probeClient.PostAsJsonAsync(Lite, Body("a fox [sim:slow:3000]")), 402, "FAILED_PRECONDITION"))["error"]!["message"]!.GetValue<string>();
            Assert.Contains("up to ", message, StringComparison.Ordinal);
        }

        var hold = Nanogate.Core.Billing.GeminiBilling.WorstCase(Nanogate.Core.Catalog.ModelCatalog.Default.Find("nano-banana-2-lite")!, "a fox [sim:slow:3000]".Length, 0);
        var account = await server.CreateAccountAsync(hold * 10);
        using var client = account.Client();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            using var response = await client.PostAsJsonAsync(Lite, Body("a fox [sim:slow:3000]"));
            return (int)response.StatusCode;
        }));

        Assert.Equal(10, statuses.Count(s => s == 200));
        Assert.Equal(90, statuses.Count(s => s == 402));
        var balance = await account.BalanceAsync();
        Assert.Equal(10 * 45, balance.Charged);
        Assert.Equal(hold * 10 - 450, balance.Available);
        await server.AssertLedgerConsistentAsync(account.Id);
    }

}
