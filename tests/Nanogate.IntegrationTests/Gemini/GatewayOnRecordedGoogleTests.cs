using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Nanogate.IntegrationTests.Infrastructure;
using static Nanogate.IntegrationTests.Gemini.GeminiDialectTests;

namespace Nanogate.IntegrationTests.Gemini;

/// <summary>The whole gateway in front of a loopback "Google" that replays real recorded answers.</summary>
public sealed class GatewayOnRecordedGoogleTests : IAsyncLifetime
{
    private LoopbackServer _google = null!;
    private NanogateServer _server = null!;
    private string? _seenKey;
    private byte[] _seenBody = [];

    public async Task InitializeAsync()
    {
        _google = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            _seenKey = context.Request.Headers["x-goog-api-key"];
            using (var buffer = new MemoryStream())
            {
                await context.Request.Body.CopyToAsync(buffer);
                _seenBody = buffer.ToArray();
            }
            var path = context.Request.Path.Value!;
            if (path.Contains("gemini-3-pro-image", StringComparison.Ordinal))
            {
                var (status, errorSegments) = GoogleRecordings.Response(GoogleRecordings.WrongModel);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync(errorSegments[0]);
                return;
            }

            var stream = path.EndsWith(":streamGenerateContent", StringComparison.Ordinal);
            var (_, segments) = GoogleRecordings.Response(stream ? GoogleRecordings.ImageStream : GoogleRecordings.ImageResponse);
            context.Response.ContentType = stream ? "text/event-stream" : "application/json; charset=UTF-8";
            foreach (var segment in segments)
            {
                if (stream)
                {
                    await context.Response.Body.WriteAsync("data: "u8.ToArray());
                }

                await context.Response.Body.WriteAsync(segment);
                if (stream)
                {
                    await context.Response.Body.WriteAsync("\r\n\r\n"u8.ToArray());
                }
            }
        }));
        var address = _google.Address;
        _server = await NanogateServer.StartAsync("Upstreams:Gemini:ApiKeys=google-test-key", $"Upstreams:Gemini:BaseUrl={address}");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _google.DisposeAsync();
    }

    [Fact]
    public async Task Recorded_image_answer_passes_through_byte_for_byte_and_is_billed_from_its_usage()
    {
        var account = await _server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana:generateContent", Body("a banana"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gemini", response.Headers.GetValues("x-nanogate-upstream").Single());
        Assert.Equal("google-test-key", _seenKey);

        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(GoogleRecordings.Response(GoogleRecordings.ImageResponse).Segments[0], bytes);
        var image = FinalImage(JsonNode.Parse(bytes)!.AsObject());
        Assert.True(Png.Size(image).Width > 0);

        // 10 prompt tokens, 51 text tokens and 1290 image tokens at Nano Banana's prices: 38.83 → 39 credits, settled
        // before the answer's last byte (HTTP/1.1 has no trailer here; HTTP/2 callers get one: GeminiPassthroughTests).
        Assert.Equal(39, (await account.BalanceAsync()).Charged);
        await _server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Recorded_stream_is_relayed_event_by_event()
    {
        var account = await _server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana:streamGenerateContent?alt=sse", Body("a banana"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = (await response.Content.ReadAsStringAsync()).Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        var recorded = GoogleRecordings.Response(GoogleRecordings.ImageStream).Segments;
        Assert.Equal(recorded.Count, events.Length);
        for (var i = 0; i < events.Length; i++)
        {
            Assert.Equal("data: " + System.Text.Encoding.UTF8.GetString(recorded[i]), events[i]);
        }

        Assert.True((await account.BalanceAsync()).Charged > 30);
        await _server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Recorded_404_from_google_is_not_found_and_refunded()
    {
        var account = await _server.CreateAccountAsync(10_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana-pro:generateContent", Body("a banana"));
        await ErrorOf(response, 404, "NOT_FOUND");
        Assert.Equal(10_000, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task Unknown_fields_pass_through_and_snake_case_goes_up_as_camel_case()
    {
        var account = await _server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var json = """
            {"contents":[{"parts":[{"text":"a banana"}]}],
             "generation_config":{"response_modalities":["image"],"temperature":0.4,"future_knob":{"inner_field":1}},
             "safety_settings":[{"category":"harm_category_harassment","threshold":"block_none"}],
             "labels":{"team_name":"x"},
             "someFutureField":{"keep_me":true}}
            """;
        var response = await client.PostAsync("/v1beta/models/nano-banana:generateContent", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var sent = JsonNode.Parse(_seenBody)!.AsObject();
        Assert.Equal(0.4, sent["generationConfig"]!["temperature"]!.GetValue<double>());
        Assert.Equal("IMAGE", sent["generationConfig"]!["responseModalities"]![0]!.GetValue<string>());
        Assert.Equal(1, sent["generationConfig"]!["futureKnob"]!["innerField"]!.GetValue<int>());
        Assert.Equal("harm_category_harassment", sent["safetySettings"]![0]!["category"]!.GetValue<string>(), ignoreCase: true);
        Assert.Equal("x", sent["labels"]!["team_name"]!.GetValue<string>());
        Assert.True(sent["someFutureField"]!["keepMe"]!.GetValue<bool>());
    }
}
