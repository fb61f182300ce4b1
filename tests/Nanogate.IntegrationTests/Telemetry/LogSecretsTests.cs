using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.ScaleOut;
using Nanogate.IntegrationTests.Security;

namespace Nanogate.IntegrationTests.Telemetry;

/// <summary>
/// The real program, run as a process with JSON console logs at Debug, through a full session (tasks with webhooks,
/// synchronous Gemini and OpenAI requests through a channel that has its own API key, admin calls, media links):
/// every log line is JSON, the request's entries carry their trace id, and no secret appears anywhere in the output.
/// </summary>
public sealed class LogSecretsTests() : ProcessDataTest("logs")
{
    private const string AdminKey = "sk-admin-logsecret-7f3a9c";
    private const string DemoKey = "sk-demo-logsecret-b81e44";
    private const string ChannelKey = "AIza-channel-logsecret-5d2c";

    [Fact]
    public async Task A_full_run_logs_json_with_trace_ids_and_no_key_secret_or_signed_link()
    {
        await using var receiver = await LoopbackSite.StartAsync(app => app.MapPost("/hook/callback", () => Results.Ok()));
        var port = NanogateProcess.FreePort();
        await using var process = new NanogateProcess("logs", port, Data,
        [
            .. Storage, $"Admin:ApiKey={AdminKey}", $"Bootstrap:DemoKey={DemoKey}", "Bootstrap:DemoCredits=100000",
            "Simulator:Enabled=true", "Simulator:LatencyMs=0", "Security:AllowPrivateNetworkTargets=true",
            "Telemetry:LogFormat=json", "Logging:LogLevel:Default=Debug",
        ]);
        await process.StartAsync(TimeSpan.FromSeconds(60));
        using var admin = Client(process, AdminKey);
        using var demo = Client(process, DemoKey);
        var secrets = new List<string> { AdminKey, DemoKey, ChannelKey };

        // A channel with a key of its own (to the built-in simulator), the only one in rotation: every call carries its key.
        var simulator = new Uri(process.BaseAddress, "simulator").ToString();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/admin/v1/channels", new { name = "keyed", base_url = simulator, api_key = ChannelKey, priority = 0 })).StatusCode);

        // An account and key made through the admin API, and the account's webhook secret.
        var account = await (await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "logs", credits = 10_000 })).Content.ReadFromJsonAsync<JsonObject>();
        var accountId = account!["id"]!.GetValue<string>();
        var key = (await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "k" })).Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        secrets.Add(key);
        using var user = Client(process, key);
        var webhookSecret = (await user.GetFromJsonAsync<JsonObject>("/v1/webhook-secret"))!["secret"]!.GetValue<string>();
        secrets.Add(webhookSecret);
        secrets.Add(webhookSecret["whsec_".Length..]);

        // Tasks with webhooks, waited for; their signed links fetched.
        var signatures = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var submit = new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations")
            {
                Content = JsonContent.Create(new { model = "nano-banana-2-lite", prompt = $"a lantern {i}", webhook = receiver.Url("/hook").ToString() }),
            };
            submit.Headers.Add("Prefer", "wait=30");
            using var done = await user.SendAsync(submit);
            var task = (await done.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            var url = task["images"]![0]!["url"]!.GetValue<string>();
            signatures.Add(Signature(url));
            Assert.Equal(HttpStatusCode.OK, (await user.GetAsync(url)).StatusCode);
        }

        // Synchronous Gemini and OpenAI requests (the OpenAI one answers with a signed link).
        Assert.Equal(HttpStatusCode.OK, (await demo.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body("a kite"))).StatusCode);
        var openai = await demo.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a harbour", response_format = "url" });
        Assert.Equal(HttpStatusCode.OK, openai.StatusCode);
        var link = (await openai.Content.ReadFromJsonAsync<JsonObject>())!["data"]![0]!["url"]!.GetValue<string>();
        signatures.Add(Signature(link));
        Assert.Equal(HttpStatusCode.OK, (await demo.GetAsync(link)).StatusCode);

        // Refusals log too: a wrong key, a wrong admin key, a tampered link.
        using (var wrong = Client(process, key + "x"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/v1/account")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/admin/v1/accounts")).StatusCode);
        }

        Assert.NotEqual(HttpStatusCode.OK, (await demo.GetAsync(link[..^2] + "AA")).StatusCode);

        // Admin reads of everything.
        foreach (var path in new[] { "/admin/v1/accounts", $"/admin/v1/accounts/{accountId}/keys", "/admin/v1/tasks", "/admin/v1/channels", "/admin/v1/usage", "/metrics" })
        {
            using var read = await admin.GetAsync(path);
            Assert.True(read.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{path}: {read.StatusCode}");
        }

        for (var i = 0; i < 100 && receiver.Requests.Count < 2; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(0, await process.TerminateAsync(TimeSpan.FromSeconds(40)));

        var log = await File.ReadAllTextAsync(Path.Combine(Data, "logs.log"));
        secrets.AddRange(signatures);
        foreach (var secret in secrets)
        {
            Assert.False(log.Contains(secret, StringComparison.Ordinal), $"the log output contains a secret ({secret[..6]}…)");
        }

        // Every line the program wrote is a JSON log entry, and the entries of requests carry their trace id.
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("====", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count > 10, $"only {lines.Count} log lines");
        var notJson = lines.Where(l => !l.StartsWith('{')).ToList();
        Assert.True(notJson.Count == 0, "lines that are not JSON:\n" + string.Join("\n", notJson.Take(10)));
        var traced = 0;
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("Category", out _), line);
            if (entry.RootElement.TryGetProperty("Scopes", out var scopes)
                && scopes.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out var id) && id.GetString()!.Length == 32))
            {
                traced++;
            }
        }

        Assert.True(traced > 0, "no log entry carries a TraceId");
    }

    private static string Signature(string url) => url[(url.IndexOf("sig=", StringComparison.Ordinal) + 4)..];

    private static HttpClient Client(NanogateProcess process, string key)
    {
        var client = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
