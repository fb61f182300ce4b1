using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.ScaleOut;

namespace Nanogate.IntegrationTests.Operations;

/// <summary>
/// <c>Server:InlineScheduling=true</c> on the real program (Kestrel runs request code on the socket's completion
/// thread): it says so on start, and the paths it changes most answer exactly as with the default dispatch: 16 Gemini
/// passthroughs at once (byte-for-byte the same 1.4 MB answers as the default process gives), a streamed SSE answer,
/// a task waited for, and the small requests.
/// </summary>
public sealed class InlineSchedulingTests() : ProcessDataTest("inline")
{
    private const string DemoKey = "sk-inline-scheduling";
    private const string Body = """{"contents":[{"parts":[{"text":"a red kite, inline"}]}],"generationConfig":{"responseModalities":["IMAGE"]}}""";

    [Fact]
    public async Task Inline_scheduling_serves_passthrough_streams_tasks_and_small_requests_as_the_default_does()
    {
        // The default process first, on the same data (one process at a time on a SQLite file): the expected answer.
        byte[] expected;
        await using (var dispatched = Start("dispatched", inline: false))
        {
            await dispatched.StartAsync(TimeSpan.FromSeconds(60));
            Assert.DoesNotContain("Inline scheduling: on", dispatched.Tail(80), StringComparison.Ordinal);
            using var expectedClient = Client(dispatched);
            expected = await GenerateAsync(expectedClient);
            Assert.True(expected.Length > 1_000_000, $"the simulator's 1K image answer is ~1.4 MB, got {expected.Length} bytes");
        }

        await using var inline = Start("inline", inline: true);
        await inline.StartAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("Inline scheduling: on", inline.Tail(80), StringComparison.Ordinal);
        using var client = Client(inline);
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => GenerateAsync(client)));
        var image = ImageOf(expected);
        Assert.All(answers, a => Assert.Equal(image, ImageOf(a)));

        using var stream = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/nano-banana-2-lite:streamGenerateContent?alt=sse")
        {
            Content = new StringContent(Body, Encoding.UTF8, "application/json"),
        };
        using var streamed = await client.SendAsync(stream);
        var sse = await streamed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.StartsWith("data: ", sse, StringComparison.Ordinal);
        Assert.Contains("\"inlineData\"", sse, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", sse, StringComparison.Ordinal);

        using var submit = new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations")
        {
            Content = JsonContent.Create(new { model = "nano-banana-2-lite", prompt = "a lighthouse, inline" }),
        };
        submit.Headers.Add("Prefer", "wait=30");
        using var done = await client.SendAsync(submit);
        var task = (await done.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1beta/models")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v1/tasks/task_missing")).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = inline.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1beta/models")).StatusCode);
    }

    /// <summary>The answer's image (base64) and its length: the rest of an answer (its id, timings) differs from call to call.</summary>
    private static (int Length, string Data) ImageOf(byte[] answer)
    {
        var parts = JsonNode.Parse(answer)!["candidates"]![0]!["content"]!["parts"]!.AsArray();
        var data = parts.Select(p => p!["inlineData"]?["data"]?.GetValue<string>()).Single(d => d is not null)!;
        return (answer.Length, data);
    }

    private static async Task<byte[]> GenerateAsync(HttpClient client)
    {
        using var response = await client.PostAsync("/v1beta/models/nano-banana-2-lite:generateContent", new StringContent(Body, Encoding.UTF8, "application/json"));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 500))));
        return bytes;
    }

    private NanogateProcess Start(string name, bool inline) => new(
        name, NanogateProcess.FreePort(), Data,
        [
            .. Storage,
            "Admin:ApiKey=sk-admin-inline", $"Bootstrap:DemoKey={DemoKey}", "Bootstrap:DemoCredits=1000000",
            "Simulator:Enabled=true", "Simulator:LatencyMs=0", $"Server:InlineScheduling={(inline ? "true" : "false")}",
        ]);

    private static HttpClient Client(NanogateProcess process)
    {
        var client = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoKey);
        client.DefaultRequestHeaders.Add("x-goog-api-key", DemoKey);
        return client;
    }
}
