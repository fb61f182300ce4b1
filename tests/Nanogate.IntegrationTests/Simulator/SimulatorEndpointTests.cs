using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nanogate.Core.Images;
using Nanogate.Upstreams.Simulator;

namespace Nanogate.IntegrationTests.Simulator;

public sealed class SimulatorEndpointTests : IAsyncLifetime
{
    private const string Lite = "gemini-3.1-flash-lite-image";
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync() => (_app, _client) = await StartAsync(o => o.LatencyMs = 0);

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Lite_16_9_returns_a_1376x768_png()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent",
            """{"contents":[{"role":"user","parts":[{"text":"a red fox in the snow"}]}],"generationConfig":{"responseModalities":["TEXT","IMAGE"],"imageConfig":{"aspectRatio":"16:9","imageSize":"1K"}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=UTF-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("true", response.Headers.GetValues("x-nanogate-simulator").Single());
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var root = json.RootElement;
        var candidate = root.GetProperty("candidates")[0];
        Assert.Equal("STOP", candidate.GetProperty("finishReason").GetString());
        Assert.Equal("model", candidate.GetProperty("content").GetProperty("role").GetString());
        var parts = candidate.GetProperty("content").GetProperty("parts");
        Assert.Equal(2, parts.GetArrayLength());
        Assert.False(string.IsNullOrEmpty(parts[0].GetProperty("text").GetString()));
        Assert.False(string.IsNullOrEmpty(parts[1].GetProperty("thoughtSignature").GetString()));

        var info = SniffInline(parts[1]);
        Assert.Equal(new ImageInfo(ImageFormat.Png, "image/png", 1376, 768), info);

        var usage = root.GetProperty("usageMetadata");
        var details = usage.GetProperty("candidatesTokensDetails");
        Assert.Equal(1, details.GetArrayLength());
        Assert.Equal("IMAGE", details[0].GetProperty("modality").GetString());
        Assert.Equal(1120, details[0].GetProperty("tokenCount").GetInt32());
        Assert.Equal(6, usage.GetProperty("promptTokenCount").GetInt32()); // 21 characters / 4, rounded up
        Assert.Equal(1120 + 8, usage.GetProperty("candidatesTokenCount").GetInt32()); // image + 31-character text
        Assert.Equal(6 + 1128, usage.GetProperty("totalTokenCount").GetInt32());
        Assert.False(usage.TryGetProperty("thoughtsTokenCount", out _));
        Assert.Equal(Lite, root.GetProperty("modelVersion").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("responseId").GetString()));
    }

    [Fact]
    public async Task Snake_case_request_with_an_alias_and_v1_path_is_understood()
    {
        using var response = await PostAsync("/simulator/v1/models/nano-banana-2:generateContent",
            """{"contents":[{"parts":[{"text":"snake"}]}],"generation_config":{"response_modalities":["image"],"image_config":{"aspect_ratio":"9:16","image_size":"512"},"thinking_config":{"thinking_level":"HIGH"}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var parts = json.RootElement.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts");
        Assert.Equal(1, parts.GetArrayLength()); // IMAGE only: no text part
        Assert.Equal(new ImageInfo(ImageFormat.Png, "image/png", 384, 688), SniffInline(parts[0]));
        var usage = json.RootElement.GetProperty("usageMetadata");
        Assert.Equal(747, usage.GetProperty("candidatesTokenCount").GetInt32());
        Assert.Equal(120, usage.GetProperty("thoughtsTokenCount").GetInt32()); // thinking level high
        Assert.Equal("gemini-3.1-flash-image", json.RootElement.GetProperty("modelVersion").GetString());
    }

    [Fact]
    public async Task Without_a_ratio_the_input_image_ratio_is_followed_and_counted()
    {
        var png = Convert.ToBase64String(PngHeader(1600, 900));
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent",
            $$$"""{"contents":[{"parts":[{"text":"edit this"},{"inline_data":{"mime_type":"image/png","data":"{{{png}}}"}}]}]}""");

        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var parts = json.RootElement.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts");
        Assert.Equal(1376, SniffInline(parts[parts.GetArrayLength() - 1]).Width);
        var usage = json.RootElement.GetProperty("usageMetadata");
        Assert.Equal(3 + 258, usage.GetProperty("promptTokenCount").GetInt32());
        var promptDetails = usage.GetProperty("promptTokensDetails");
        Assert.Equal("IMAGE", promptDetails[1].GetProperty("modality").GetString());
        Assert.Equal(258, promptDetails[1].GetProperty("tokenCount").GetInt32());
    }

    [Fact]
    public async Task Lite_downgrades_4K_to_its_1K_size()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent",
            """{"contents":[{"parts":[{"text":"big"}]}],"generationConfig":{"imageConfig":{"imageSize":"4K"}}}""");

        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var parts = json.RootElement.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts");
        Assert.Equal(new ImageInfo(ImageFormat.Png, "image/png", 1024, 1024), SniffInline(parts[parts.GetArrayLength() - 1]));
    }

    [Fact]
    public async Task Same_request_gives_the_same_image_bytes()
    {
        const string body = """{"contents":[{"parts":[{"text":"determinism"}]}]}""";
        var first = await FinalImageDataAsync(body);
        var second = await FinalImageDataAsync(body);
        var other = await FinalImageDataAsync("""{"contents":[{"parts":[{"text":"something else"}]}]}""");

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Sse_stream_sends_exact_data_frames_ending_with_finish_reason()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:streamGenerateContent?alt=sse",
            """{"contents":[{"parts":[{"text":"a stream of consciousness"}]}],"generationConfig":{"imageConfig":{"aspectRatio":"4:3"}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("\r\n\r\n", text, StringComparison.Ordinal);
        var events = text[..^4].Split("\r\n\r\n");
        Assert.Equal(3, events.Length); // text, image, finish
        var documents = events.Select(e =>
        {
            Assert.StartsWith("data: ", e, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', e);
            Assert.DoesNotContain('\r', e);
            return JsonDocument.Parse(e["data: ".Length..]);
        }).ToList();

        var candidates = documents.Select(d => d.RootElement.GetProperty("candidates")[0]).ToList();
        Assert.True(candidates[0].GetProperty("content").GetProperty("parts")[0].TryGetProperty("text", out _));
        Assert.Equal(new ImageInfo(ImageFormat.Png, "image/png", 1200, 896), SniffInline(candidates[1].GetProperty("content").GetProperty("parts")[0]));
        Assert.All(candidates.Take(2), c => Assert.False(c.TryGetProperty("finishReason", out _)));
        Assert.Equal("STOP", candidates[2].GetProperty("finishReason").GetString());
        Assert.All(documents, d => Assert.True(d.RootElement.GetProperty("usageMetadata").GetProperty("totalTokenCount").GetInt32() > 0));
        Assert.Equal(1120, documents[^1].RootElement.GetProperty("usageMetadata").GetProperty("candidatesTokensDetails")[0].GetProperty("tokenCount").GetInt32());
        Assert.Single(documents.Select(d => d.RootElement.GetProperty("responseId").GetString()).Distinct());
        documents.ForEach(d => d.Dispose());
    }

    [Fact]
    public async Task Stream_without_alt_sse_is_one_json_array()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:streamGenerateContent",
            """{"contents":[{"parts":[{"text":"array"}]}]}""");

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("[{", text, StringComparison.Ordinal);
        Assert.Contains("},\n{", text, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(text);
        Assert.Equal(3, json.RootElement.GetArrayLength());
        Assert.Equal("STOP", json.RootElement[2].GetProperty("candidates")[0].GetProperty("finishReason").GetString());
    }

    [Fact]
    public async Task Include_thoughts_gives_a_thought_image_before_the_final_image()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent",
            """{"contents":[{"parts":[{"text":"think first"}]}],"generationConfig":{"thinkingConfig":{"includeThoughts":true}}}""");

        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var parts = json.RootElement.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(4, parts.Count);
        Assert.True(parts[0].GetProperty("thought").GetBoolean());
        Assert.True(parts[0].TryGetProperty("text", out _));
        Assert.True(parts[1].GetProperty("thought").GetBoolean());
        var draft = SniffInline(parts[1]);
        Assert.True(parts[2].TryGetProperty("text", out _));
        Assert.False(parts[3].TryGetProperty("thought", out _));
        var final = SniffInline(parts[3]);
        Assert.Equal((1024, 1024), (final.Width, final.Height));
        Assert.True(draft.Width <= final.Width);
        Assert.Equal(120, json.RootElement.GetProperty("usageMetadata").GetProperty("thoughtsTokenCount").GetInt32());
    }

    [Fact]
    public async Task Include_thoughts_streams_the_thoughts_first()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:streamGenerateContent?alt=sse",
            """{"contents":[{"parts":[{"text":"think first"}]}],"generation_config":{"thinking_config":{"include_thoughts":true}}}""");

        var events = (await response.Content.ReadAsStringAsync()).Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, events.Length); // thoughts, text, image, finish
        using var first = JsonDocument.Parse(events[0]["data: ".Length..]);
        var parts = first.RootElement.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts");
        Assert.All(parts.EnumerateArray(), p => Assert.True(p.GetProperty("thought").GetBoolean()));
    }

    [Fact]
    public async Task Unknown_model_is_404_not_found_in_googles_words()
    {
        using var response = await PostAsync("/simulator/v1beta/models/gpt-image-1:generateContent", """{"contents":[{"parts":[{"text":"x"}]}]}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("true", response.Headers.GetValues("x-nanogate-simulator").Single());
        var error = await ErrorAsync(response);
        Assert.Equal(404, error.GetProperty("code").GetInt32());
        Assert.Equal("NOT_FOUND", error.GetProperty("status").GetString());
        Assert.Equal(
            "models/gpt-image-1 is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.",
            error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("{\"contents\":[")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"candidateCount":2}}""")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"imageConfig":{"aspectRatio":"7:5"}}}""")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"imageConfig":{"imageSize":"1k"}}}""")]
    [InlineData("""{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"imageConfig":{"aspectRatio":16}}}""")]
    public async Task Bad_requests_are_400_invalid_argument(string body)
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal(400, error.GetProperty("code").GetInt32());
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Images_of_one_request_differ_by_their_index_and_stay_deterministic()
    {
        const string body = """{"contents":[{"parts":[{"text":"a fox"}]}]}""";
        async Task<string> ImageAsync(int index)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/simulator/v1beta/models/{Lite}:generateContent") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (index > 0)
            {
                request.Headers.Add("x-nanogate-image-index", index.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            using var response = await _client.SendAsync(request);
            using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
            return json.RootElement.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts").EnumerateArray()
                .Last(p => p.TryGetProperty("inlineData", out _)).GetProperty("inlineData").GetProperty("data").GetString()!;
        }

        var first = await ImageAsync(0);
        var second = await ImageAsync(1);
        Assert.NotEqual(first, second);
        Assert.Equal(first, await ImageAsync(0));
        Assert.Equal(second, await ImageAsync(1));
    }

    [Fact]
    public async Task Max_output_tokens_below_an_image_stops_at_max_tokens_without_one()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent",
            """{"contents":[{"parts":[{"text":"a fox"}]}],"generationConfig":{"responseModalities":["IMAGE"],"maxOutputTokens":1000}}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var candidate = json.RootElement.GetProperty("candidates")[0];
        Assert.Equal("MAX_TOKENS", candidate.GetProperty("finishReason").GetString());
        Assert.DoesNotContain("inlineData", candidate.GetRawText(), StringComparison.Ordinal);

        using var enough = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent",
            """{"contents":[{"parts":[{"text":"a fox"}]}],"generationConfig":{"responseModalities":["IMAGE"],"maxOutputTokens":4096}}""");
        Assert.Contains("inlineData", await enough.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marker_429_is_resource_exhausted_with_quota_and_retry_details()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", """{"contents":[{"parts":[{"text":"please [SIM:429]"}]}]}""");

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal("RESOURCE_EXHAUSTED", error.GetProperty("status").GetString());
        var details = error.GetProperty("details").EnumerateArray().ToList();
        var quota = details.Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.QuotaFailure");
        Assert.False(string.IsNullOrEmpty(quota.GetProperty("violations")[0].GetProperty("quotaId").GetString()));
        var retry = details.Single(d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.RetryInfo");
        Assert.Equal("1s", retry.GetProperty("retryDelay").GetString());
    }

    [Theory]
    [InlineData("[sim:500]", 500, "INTERNAL")]
    [InlineData("[sim:503]", 503, "UNAVAILABLE")]
    public async Task Server_error_markers_answer_googles_error_shape(string marker, int code, string status)
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", $$"""{"contents":[{"parts":[{"text":"x {{marker}}"}]}]}""");

        Assert.Equal(code, (int)response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.Equal(status, error.GetProperty("status").GetString());
        if (code == 503)
        {
            Assert.Equal("The model is overloaded. Please try again later.", error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Marker_malformed_is_200_with_invalid_json()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", """{"contents":[{"parts":[{"text":"[sim:malformed]"}]}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("{\"candidates\"", body, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body).Dispose());
    }

    [Fact]
    public async Task Marker_blocked_is_image_safety_without_content()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", """{"contents":[{"parts":[{"text":"[sim:Blocked]"}]}]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var candidate = json.RootElement.GetProperty("candidates")[0];
        Assert.Equal("IMAGE_SAFETY", candidate.GetProperty("finishReason").GetString());
        Assert.False(string.IsNullOrEmpty(candidate.GetProperty("finishMessage").GetString()));
        Assert.Equal(0, candidate.GetProperty("index").GetInt32());
        Assert.False(candidate.TryGetProperty("content", out _));
    }

    [Fact]
    public async Task Marker_noimage_is_no_image_with_only_text()
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", """{"contents":[{"parts":[{"text":"[sim:noimage]"}]}]}""");

        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var candidate = json.RootElement.GetProperty("candidates")[0];
        Assert.Equal("NO_IMAGE", candidate.GetProperty("finishReason").GetString());
        var part = Assert.Single(candidate.GetProperty("content").GetProperty("parts").EnumerateArray());
        Assert.True(part.TryGetProperty("text", out _));
        Assert.False(part.TryGetProperty("inlineData", out _));
    }

    [Fact]
    public async Task Marker_timeout_never_answers_before_the_client_gives_up()
    {
        using var client = new HttpClient { BaseAddress = _client.BaseAddress, Timeout = TimeSpan.FromMilliseconds(400) };
        using var content = new StringContent("""{"contents":[{"parts":[{"text":"[sim:timeout]"}]}]}""", Encoding.UTF8, "application/json");

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => client.PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", content));
    }

    [Fact]
    public async Task Marker_slow_adds_latency_and_combines_with_a_fault()
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", """{"contents":[{"parts":[{"text":"[sim:slow:300] [sim:503]"}]}]}""");

        Assert.True(stopwatch.ElapsedMilliseconds >= 290, $"answered after {stopwatch.ElapsedMilliseconds} ms");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Disabled_simulator_answers_404()
    {
        var (app, client) = await StartAsync(o => o.Enabled = false);
        await using (app)
        using (client)
        {
            using var response = await client.PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", new StringContent("{}"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(Action<SimulatorOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddOptions<SimulatorOptions>().Configure(configure);
        var app = builder.Build();
        app.MapSimulator();
        await app.StartAsync();
        return (app, new HttpClient { BaseAddress = new Uri(app.Urls.First()) });
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        return await _client.PostAsync(path, content);
    }

    private async Task<string> FinalImageDataAsync(string body)
    {
        using var response = await PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", body);
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        var parts = json.RootElement.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts");
        return parts[parts.GetArrayLength() - 1].GetProperty("inlineData").GetProperty("data").GetString()!;
    }

    private static async Task<JsonElement> ErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return json.RootElement.GetProperty("error").Clone();
    }

    private static ImageInfo SniffInline(JsonElement part)
    {
        var inline = part.GetProperty("inlineData");
        Assert.Equal("image/png", inline.GetProperty("mimeType").GetString());
        var bytes = inline.GetProperty("data").GetBytesFromBase64();
        Assert.True(ImageSniffer.TryIdentify(bytes, out var info));
        return info;
    }

    /// <summary>The first 33 bytes of a PNG: all the sniffer needs to know its size.</summary>
    private static byte[] PngHeader(int width, int height)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8;
        bytes[25] = 2;
        return bytes;
    }
}
