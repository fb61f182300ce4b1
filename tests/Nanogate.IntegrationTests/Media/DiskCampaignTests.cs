using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Gemini;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;
using Xunit.Abstractions;

namespace Nanogate.IntegrationTests.Media;

/// <summary>
/// The disk campaign (issue 13, 3c): the media folder on a real 16 MiB tmpfs, filled to the last byte (ENOSPC) or
/// remounted read-only (EROFS), for every path that hands out image URLs. Nothing is charged for an image that was
/// not stored, the answer is 507 or 503 in the dialect's shape with a retryable code, task images record the
/// store's code, /readyz says not ready, and everything recovers without a restart once there is room again.
/// </summary>
public sealed class DiskCampaignTests(ITestOutputHelper output)
{
    private const long Credits = 1_000;

    private static async Task<(SmallFilesystem Fs, NanogateServer Server, TestAccount Account)> StartAsync(params string[] settings)
    {
        var fs = await SmallFilesystem.MountAsync();
        var server = await NanogateServer.StartAsync([$"Media:Directory={fs.Path}", .. settings]);
        var account = await server.CreateAccountAsync(Credits);
        return (fs, server, account);
    }

    /// <summary>Nothing held, nothing charged: the balance is exactly what was topped up.</summary>
    private static async Task AssertUntouchedAsync(TestAccount account)
    {
        var balance = await account.BalanceAsync();
        Assert.Equal(Credits, balance.Available);
        Assert.Equal(0, balance.Reserved);
        Assert.Equal(0, balance.Charged);
        await account.Server.AssertLedgerConsistentAsync(account.Id);
    }

    private static Task<HttpResponseMessage> GeminiUrlAsync(HttpClient client, string action = "generateContent")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v1beta/models/nano-banana-2-lite:{action}")
        {
            Content = JsonContent.Create(GeminiDialectTests.Body("a lighthouse", "16:9", modalities: ["IMAGE"])),
        };
        request.Headers.Add("x-nanogate-image-delivery", "url");
        return client.SendAsync(request);
    }

    [SmallFilesystemFact]
    public async Task Gemini_url_delivery_on_a_full_disk_is_507_uncharged_and_recovers_once_there_is_room()
    {
        var (fs, server, account) = await StartAsync();
        await using (fs)
        await using (server)
        {
            Assert.True(await fs.FillAsync() > 0);
            output.WriteLine("fault-injection: disk 1 (full)");
            using var client = account.Client();

            var full = await GeminiUrlAsync(client);
            Assert.Equal(HttpStatusCode.InsufficientStorage, full.StatusCode);
            var error = (await full.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
            Assert.Equal(507, error["code"]!.GetValue<int>());
            Assert.Equal("RESOURCE_EXHAUSTED", error["status"]!.GetValue<string>());
            Assert.Contains("media store is full", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("30", full.Headers.GetValues("Retry-After").Single());
            await AssertUntouchedAsync(account);
            Assert.Empty(fs.MediaFiles());

            var notReady = await server.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);

            fs.Free();
            var ok = await GeminiUrlAsync(client);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(Credits - 45, (await account.BalanceAsync()).Available);
            Assert.Single(fs.MediaFiles());
            Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);
        }
    }

    [SmallFilesystemFact]
    public async Task Gemini_url_delivery_on_a_read_only_folder_is_503_uncharged_also_when_streaming()
    {
        var (fs, server, account) = await StartAsync();
        await using (fs)
        await using (server)
        {
            await fs.SetReadOnlyAsync(true);
            output.WriteLine("fault-injection: disk 1 (read-only)");
            using var client = account.Client();

            var plain = await GeminiUrlAsync(client);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, plain.StatusCode);
            var error = (await plain.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
            Assert.Equal("UNAVAILABLE", error["status"]!.GetValue<string>());
            Assert.Contains("cannot be written", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal("30", plain.Headers.GetValues("Retry-After").Single());

            // The simulator's stream carries its image in the first event: nothing was sent, so the answer is the error.
            var stream = await GeminiUrlAsync(client, "streamGenerateContent?alt=sse");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, stream.StatusCode);
            Assert.Equal("UNAVAILABLE", (await stream.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["status"]!.GetValue<string>());
            await AssertUntouchedAsync(account);

            await fs.SetReadOnlyAsync(false);
            Assert.Equal(HttpStatusCode.OK, (await GeminiUrlAsync(client)).StatusCode);
            Assert.Equal(Credits - 45, (await account.BalanceAsync()).Available);
        }
    }

    [SmallFilesystemFact]
    public async Task OpenAi_url_images_and_the_sync_route_on_a_full_disk_are_507_uncharged()
    {
        var (fs, server, account) = await StartAsync();
        await using (fs)
        await using (server)
        {
            await fs.FillAsync();
            output.WriteLine("fault-injection: disk 1 (full)");
            using var client = account.Client();
            foreach (var route in new[] { "/openai/v1/images/generations", "/sync/v1/images/generations" })
            {
                var response = await client.PostAsJsonAsync(route, new { model = "nano-banana-2-lite", prompt = "a harbour", n = 2, response_format = "url" });
                Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
                var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
                Assert.Equal("storage_full", error["code"]!.GetValue<string>());
                Assert.Equal("server_error", error["type"]!.GetValue<string>());
                Assert.Equal("0", response.Headers.GetValues("x-nanogate-credits-charged").Single());
                Assert.Equal("30", response.Headers.GetValues("Retry-After").Single());
            }

            await AssertUntouchedAsync(account);

            // b64_json needs no storage: it is served and charged as usual on the same full disk.
            var inline = await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a harbour", response_format = "b64_json" });
            Assert.Equal(HttpStatusCode.OK, inline.StatusCode);
            Assert.Equal(Credits - 45, (await account.BalanceAsync()).Available);

            fs.Free();
            var ok = await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a harbour", n = 2, response_format = "url" });
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(Credits - (3 * 45), (await account.BalanceAsync()).Available);
            Assert.Equal(2, fs.MediaFiles().Count);
        }
    }

    [SmallFilesystemFact]
    public async Task OpenAi_url_images_on_a_read_only_folder_are_503_uncharged()
    {
        var (fs, server, account) = await StartAsync();
        await using (fs)
        await using (server)
        {
            await fs.SetReadOnlyAsync(true);
            output.WriteLine("fault-injection: disk 1 (read-only)");
            using var client = account.Client();
            var response = await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a harbour", response_format = "url" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("storage_unavailable", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
            await AssertUntouchedAsync(account);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await server.Client.GetAsync("/readyz")).StatusCode);
        }
    }

    [SmallFilesystemFact]
    public async Task Task_images_on_a_full_disk_fail_with_storage_full_not_timeout_and_are_refunded()
    {
        var (fs, server, account) = await StartAsync("Tasks:MaxAttempts=2", "Tasks:RetryBaseDelayMs=20", "Tasks:PollIntervalMs=20");
        await using (fs)
        await using (server)
        {
            await fs.FillAsync();
            output.WriteLine("fault-injection: disk 1 (full)");
            using var client = account.Client();
            var submitted = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "a fox", n = 2 });
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
            var id = (await TaskApi.JsonAsync(submitted))["task_id"]!.GetValue<string>();

            var task = await TaskApi.WaitForEndAsync(client, id);
            Assert.Equal("failed", task["status"]!.GetValue<string>());
            foreach (var image in task["images"]!.AsArray())
            {
                Assert.Equal("failed", image!["status"]!.GetValue<string>());
                Assert.Equal("storage_full", image["error"]!["code"]!.GetValue<string>());
            }

            Assert.Equal(90, task["credits"]!["reserved"]!.GetValue<long>());
            Assert.Equal(0, task["credits"]!["charged"]!.GetValue<long>());
            Assert.Equal(90, task["credits"]!["refunded"]!.GetValue<long>());
            await AssertUntouchedAsync(account);

            // Room again: the next task succeeds without a restart.
            fs.Free();
            var again = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "a fox" });
            var done = await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(again))["task_id"]!.GetValue<string>());
            Assert.Equal("succeeded", done["status"]!.GetValue<string>());
            Assert.Equal(Credits - 45, (await account.BalanceAsync()).Available);
        }
    }

    [SmallFilesystemFact]
    public async Task A_task_with_a_reference_image_on_a_read_only_folder_is_503_in_the_task_shape_and_holds_nothing()
    {
        var (fs, server, account) = await StartAsync();
        await using (fs)
        await using (server)
        {
            await fs.SetReadOnlyAsync(true);
            output.WriteLine("fault-injection: disk 1 (read-only)");
            using var client = account.Client();
            var png = "data:image/png;base64," + Convert.ToBase64String(TestSupport.TestImages.Png(30, 40));
            var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "a fox", image_urls = new[] { png } });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var error = (await TaskApi.JsonAsync(response))["error"]!;
            Assert.Equal("storage_unavailable", error["code"]!.GetValue<string>());
            Assert.Equal("30", response.Headers.GetValues("Retry-After").Single());
            await AssertUntouchedAsync(account);
        }
    }
}
