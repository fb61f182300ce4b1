using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Nanogate.Core.Catalog;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.OpenAi;

/// <summary>
/// n images where some fail: a loopback "Google" answers every third call with a
/// safety block (a 200 without an image, so the channel is not cooled down) and forwards the
/// others to the gateway's own simulator mount.
/// </summary>
public sealed class OpenAiPartialSuccessTests : IAsyncLifetime
{
    private const string BlockedAnswer = """
        {"candidates":[{"content":{"role":"model","parts":[]},"finishReason":"IMAGE_SAFETY","index":0}],
         "usageMetadata":{"promptTokenCount":3,"totalTokenCount":3},"modelVersion":"gemini-3.1-flash-lite-image"}
        """;

    private static readonly HttpClient Forward = new() { Timeout = TimeSpan.FromSeconds(60) };
    private LoopbackServer _google = null!;
    private NanogateServer _server = null!;
    private int _calls;

    public async Task InitializeAsync()
    {
        _google = await LoopbackServer.StartAsync(app => app.Run(AnswerAsync));
        var google = _google.Address;
        _server = await NanogateServer.StartAsync($"Upstreams:Gemini:ApiKeys=fake-google-key", $"Upstreams:Gemini:BaseUrl={google}", "Simulator:Enabled=true");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _google.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var call = Interlocked.Increment(ref _calls);
        context.Response.ContentType = "application/json";
        if (call % 3 == 1) // calls 1, 4, 7, …: one in three
        {
            await context.Response.WriteAsync(BlockedAnswer);
            return;
        }

        using var body = new StreamContent(context.Request.Body);
        body.Headers.ContentType = new("application/json");
        using var answer = await Forward.PostAsync(new Uri(_server.BaseAddress, "simulator" + context.Request.Path + context.Request.QueryString), body);
        context.Response.StatusCode = (int)answer.StatusCode;
        await answer.Content.CopyToAsync(context.Response.Body);
    }

    [Fact]
    public async Task Some_images_failing_answers_200_with_the_others_and_charges_only_those()
    {
        var account = await _server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "three kites", n = 3 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(2, json["data"]!.AsArray().Count);
        Assert.Equal("content_blocked", response.Headers.GetValues("x-nanogate-images-failed").Single());
        var price = ModelCatalog.Default.Find("nano-banana-2-lite")!.PriceFor(ImageSize.Size1K);
        Assert.Equal((2 * price).ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("x-nanogate-credits-charged").Single());
        Assert.Equal("gemini", response.Headers.GetValues("x-nanogate-upstream").Single());
        var balance = await account.BalanceAsync();
        Assert.Equal(1_000 - (2 * price), balance.Available);
        Assert.Equal(0, balance.Reserved);
        await _server.AssertLedgerConsistentAsync(account.Id);
    }
}
