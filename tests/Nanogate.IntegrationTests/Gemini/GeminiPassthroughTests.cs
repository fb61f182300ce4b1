using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Infrastructure;
using static Nanogate.IntegrationTests.Gemini.GeminiDialectTests;

namespace Nanogate.IntegrationTests.Gemini;

/// <summary>
/// The streamed generateContent passthrough: bytes forwarded as they arrive, the answer validated on the way, and
/// the money right when the answer breaks mid-body or the caller leaves. A loopback "Google" serves a recorded
/// answer in two halves, the second only when the test says so; the simulator's <c>[sim:cut]</c>,
/// <c>[sim:corrupt]</c> and <c>[sim:stall:MS]</c> markers break real answers mid-body.
/// </summary>
public sealed class GeminiPassthroughTests : IAsyncLifetime
{
    private const string Lite = "/v1beta/models/nano-banana-2-lite:generateContent";

    private readonly byte[] _answer = GoogleRecordings.Response(GoogleRecordings.ImageResponse).Segments[0];
    private LoopbackServer _google = null!;
    private NanogateServer _server = null!;
    private NanogateServer _simulated = null!;
    private Uri _http2 = null!;
    private TaskCompletionSource _secondHalf = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        _google = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json; charset=UTF-8";
            context.Response.ContentLength = _answer.Length;
            var half = _answer.Length / 2;
            await context.Response.Body.WriteAsync(_answer.AsMemory(0, half));
            await context.Response.Body.FlushAsync();
            await _secondHalf.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await context.Response.Body.WriteAsync(_answer.AsMemory(half));
        }));
        // HTTP/2 with prior knowledge on the cleartext test endpoint: trailers need HTTP/2 (Kestrel has none on HTTP/1.1).
        _server = await NanogateServer.StartAsync("Upstreams:Gemini:ApiKeys=google-test-key", $"Upstreams:Gemini:BaseUrl={_google.Address}", "Kestrel:Endpoints:Http1:Url=http://127.0.0.1:0", "Kestrel:Endpoints:Http2:Url=http://127.0.0.1:0", "Kestrel:Endpoints:Http2:Protocols=Http2");
        _http2 = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single(a => a != _server.BaseAddress.ToString().TrimEnd('/')));
        _simulated = await NanogateServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _secondHalf.TrySetResult();
        await _simulated.DisposeAsync();
        await _server.DisposeAsync();
        await _google.DisposeAsync();
    }

    [Fact]
    public async Task The_first_half_reaches_the_caller_before_the_upstream_sends_the_rest_and_the_whole_is_byte_for_byte()
    {
        Assert.True(_answer.Length > 256 * 1024, "the recording must be a real image answer");
        var account = await _server.CreateAccountAsync(1_000);
        using var client = account.Client();
        client.BaseAddress = _http2;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/nano-banana:generateContent")
        {
            Content = JsonContent.Create(Body("a banana")),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("x-nanogate-credits-charged"));
        Assert.Contains("x-nanogate-credits-charged", response.Headers.Trailer);

        // A gateway that buffered the answer could not send any of it now: the upstream holds back its second half.
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (received.Length < _answer.Length / 4)
        {
            var n = await body.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(n > 0, "the answer ended early");
            received.Write(buffer, 0, n);
        }

        Assert.Equal(0, (await account.BalanceAsync()).Charged);
        Assert.True((await account.BalanceAsync()).Reserved > 0, "the hold stays until the answer is complete");
        _secondHalf.SetResult();
        await body.CopyToAsync(received);
        Assert.Equal(_answer, received.ToArray());

        // 10 prompt tokens, 51 text tokens and 1290 image tokens at Nano Banana's prices: 39 credits, settled
        // before the last byte went, so the trailer and the balance agree as soon as the body is read.
        Assert.Equal("39", response.TrailingHeaders.GetValues("x-nanogate-credits-charged").Single());
        var balance = await account.BalanceAsync();
        Assert.Equal((1_000 - 39, 0L, 39L), (balance.Available, balance.Reserved, balance.Charged));
        await _server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Without_trailers_the_answer_keeps_the_upstreams_content_length()
    {
        _secondHalf.SetResult();
        var account = await _server.CreateAccountAsync(1_000);
        using var client = account.Client();
        using var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana:generateContent", Body("a banana"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_answer.Length, response.Content.Headers.ContentLength);
        Assert.Equal(_answer, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(39, (await account.BalanceAsync()).Charged);
    }

    [Theory]
    [InlineData("[sim:corrupt]")]
    [InlineData("[sim:cut]")]
    public async Task An_answer_that_breaks_mid_body_aborts_the_response_and_charges_nothing(string marker)
    {
        var account = await _simulated.CreateAccountAsync(1_000);
        using var client = account.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, Lite) { Content = JsonContent.Create(Body($"a fox {marker}")) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The 200 went out with the first half; the rest can only be a broken stream, never a body that parses.
        var failure = await Record.ExceptionAsync(() => response.Content.ReadAsByteArrayAsync());
        Assert.True(failure is HttpRequestException or IOException, $"expected a broken body, got {failure?.GetType().Name ?? "a complete one"}");
        var balance = await account.SettledBalanceAsync();
        Assert.Equal((1_000L, 0L, 0L), (balance.Available, balance.Reserved, balance.Charged));
        await _simulated.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task A_caller_that_leaves_mid_body_pays_for_an_answer_the_upstream_completed()
    {
        var account = await _simulated.CreateAccountAsync(1_000);
        await LeaveMidBodyAsync(account, "a fox [sim:stall:800]");
        var balance = await account.SettledBalanceAsync();

        // Google bills the finished answer whether or not anyone reads it: so does the gateway (the Lite 1:1 1K price).
        Assert.Equal((1_000L - 45, 0L, 45L), (balance.Available, balance.Reserved, balance.Charged));
        await _simulated.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task A_caller_that_leaves_mid_body_pays_nothing_when_the_upstream_then_breaks()
    {
        var account = await _simulated.CreateAccountAsync(1_000);
        await LeaveMidBodyAsync(account, "a fox [sim:stall:800] [sim:cut]");
        var balance = await account.SettledBalanceAsync();
        Assert.Equal((1_000L, 0L, 0L), (balance.Available, balance.Reserved, balance.Charged));
        await _simulated.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task A_small_answer_is_settled_before_it_is_sent_and_keeps_the_header()
    {
        var account = await _simulated.CreateAccountAsync(1_000);
        using var client = account.Client();
        using var response = await client.PostAsJsonAsync(Lite, Body("a fox [sim:noimage]"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var charged = long.Parse(response.Headers.GetValues("x-nanogate-credits-charged").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(charged, (await account.BalanceAsync()).Charged);
        Assert.Equal("NO_IMAGE", (await response.Content.ReadFromJsonAsync<JsonObject>())!["candidates"]![0]!["finishReason"]!.GetValue<string>());
    }

    /// <summary>Reads the headers and the first bytes, then drops the connection while the upstream stalls.</summary>
    private static async Task LeaveMidBodyAsync(TestAccount account, string prompt)
    {
        using var client = account.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, Lite) { Content = JsonContent.Create(Body(prompt)) };
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await using var body = await response.Content.ReadAsStreamAsync();
            Assert.True(await body.ReadAsync(new byte[4096]) > 0);
        }

        Assert.True((await account.BalanceAsync()).Reserved > 0, "the upstream is still stalling: nothing is settled yet");
    }
}
