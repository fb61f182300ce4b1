using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.Hosting;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Channels;
using Nanogate.Upstreams.Routing;

namespace Nanogate.IntegrationTests.Admin;

/// <summary>Channels of every kind through the admin API: validation, secrets at rest, live state, the test call, reloads.</summary>
public sealed class AdminChannelKindsTests
{
    private static JsonObject Channel(JsonObject list, string name) =>
        list["data"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!.AsObject();

    [Fact]
    public async Task Secrets_are_encrypted_at_rest_shown_only_as_a_hint_and_kind_settings_are_checked()
    {
        await using var server = await NanogateServer.StartAsync();
        using var rsa = RSA.Create(2048);
        var privateKey = rsa.ExportPkcs8PrivateKeyPem();
        var serviceAccount = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "proj-x",
            ["private_key_id"] = "k1",
            ["private_key"] = privateKey,
            ["client_email"] = "sa@proj-x.iam.gserviceaccount.com",
            ["token_uri"] = "https://oauth2.googleapis.com/token",
        };

        var created = await server.Admin.PostAsJsonAsync("/admin/v1/channels", new
        {
            name = "vertex-eu",
            kind = "vertex",
            location = "europe-west4",
            credentials_json = serviceAccount,
            priority = 5,
            weight = 3,
            max_concurrency = 8,
            model_map = new Dictionary<string, string> { ["gemini-3.1-flash-lite-image"] = "gemini-3.1-flash-lite-image-preview" },
            timeout_seconds = 90,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("vertex-eu", created.Headers.GetValues("x-nanogate-channel").Single());
        var text = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        var vertex = Channel(JsonNode.Parse(text)!.AsObject(), "vertex-eu");
        Assert.Equal("service account", vertex["credentials"]!.GetValue<string>());
        Assert.Equal(3, vertex["weight"]!.GetValue<int>());
        Assert.Equal(8, vertex["max_concurrency"]!.GetValue<int>());
        Assert.Equal("europe-west4", vertex["settings"]!["location"]!.GetValue<string>());
        Assert.Equal("closed", vertex["breaker"]!["state"]!.GetValue<string>());
        Assert.Equal("healthy", vertex["health"]!.GetValue<string>());

        var keyed = await server.Admin.PostAsJsonAsync("/admin/v1/channels", new
        {
            name = "google-pool",
            api_keys = new object[] { new { key = "AIzaSecretNumberOne1111", project = "proj-a" }, "AIzaSecretNumberTwo2222" },
        });
        Assert.Equal(HttpStatusCode.Created, keyed.StatusCode);
        var pool = Channel((await keyed.Content.ReadFromJsonAsync<JsonObject>())!, "google-pool");
        Assert.Equal("gemini", pool["kind"]!.GetValue<string>());
        Assert.Equal("proj-a:…1111, …2222", pool["credentials"]!.GetValue<string>());

        var stored = await server.Services.GetRequiredService<IChannelStore>().ListAsync(CancellationToken.None);
        foreach (var channel in stored)
        {
            Assert.StartsWith("dp1:", channel.ApiKey, StringComparison.Ordinal);
            Assert.DoesNotContain("Secret", channel.ApiKey, StringComparison.Ordinal);
            Assert.DoesNotContain("PRIVATE", channel.ApiKey, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Directory.GetFiles(Path.Combine(server.DataDirectory, "keys")).Single()));

        var unknown = await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "x", kind = "carrier-pigeon", api_key = "k" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("task-relay", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var noBase = await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "y", kind = "openai-images", api_key = "k" });
        Assert.Equal(HttpStatusCode.BadRequest, noBase.StatusCode);
        Assert.Contains("base_url", await noBase.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var badAccount = await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "z", kind = "vertex", credentials_json = new { type = "service_account" } });
        Assert.Equal(HttpStatusCode.BadRequest, badAccount.StatusCode);

        // An edit without secrets keeps them; the weight changes.
        var patched = await server.Admin.PatchAsJsonAsync("/admin/v1/channels/google-pool", new { weight = 7 });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var after = Channel((await patched.Content.ReadFromJsonAsync<JsonObject>())!, "google-pool");
        Assert.Equal(7, after["weight"]!.GetValue<int>());
        Assert.Equal("proj-a:…1111, …2222", after["credentials"]!.GetValue<string>());
    }

    [Fact]
    public async Task Send_one_image_tests_a_channel_of_each_offline_kind_against_the_simulator()
    {
        // Image links are downloaded under the SSRF rules: the simulator is on loopback.
        await using var server = await NanogateServer.StartAsync("Security:AllowPrivateNetworkTargets=true");
        var simulator = new Uri(server.BaseAddress, "simulator/").ToString();
        var channels = new object[]
        {
            new { name = "t-vertex", kind = "vertex", base_url = simulator, api_key = "express" },
            new { name = "t-openai", kind = "openai-images", base_url = simulator + "openai", api_key = "sk-sim" },
            new { name = "t-tasks", kind = "task-relay", base_url = simulator + "tasks", api_key = "sk-sim", settings = new { poll_interval_ms = 20 } },
            new { name = "t-sim", kind = "simulator" },
        };
        foreach (var channel in channels)
        {
            var created = await server.Admin.PostAsJsonAsync("/admin/v1/channels", channel);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        foreach (var name in new[] { "t-vertex", "t-openai", "t-tasks", "t-sim" })
        {
            var tested = await server.Admin.PostAsJsonAsync($"/admin/v1/channels/{name}/test", new { prompt = "a test banana" });
            Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
            var result = (await tested.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(result["ok"]!.GetValue<bool>(), result.ToJsonString());
            Assert.StartsWith("data:image/png;base64,", result["image"]!["data_url"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        var blocked = (await (await server.Admin.PostAsJsonAsync("/admin/v1/channels/t-openai/test", new { prompt = "[sim:blocked]" })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False(blocked["ok"]!.GetValue<bool>());
        Assert.Equal("IMAGE_SAFETY", blocked["finish_reason"]!.GetValue<string>());
        var failing = (await (await server.Admin.PostAsJsonAsync("/admin/v1/channels/t-tasks/test", new { prompt = "[sim:503]" })).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Unavailable", failing["error"]!["kind"]!.GetValue<string>());
        Assert.Equal(503, failing["error"]!["upstream_status"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_change_made_by_another_process_is_honoured_when_the_change_feed_says_so()
    {
        await using var server = await NanogateServer.StartAsync();
        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "shared", kind = "simulator", priority = 3 })).StatusCode);
        var router = server.Services.GetRequiredService<ChannelRouter>();
        Assert.Equal(3, router.Find("shared")!.Priority);

        // What another process does: write the store, then publish the hint.
        var store = server.Services.GetRequiredService<IChannelStore>();
        var codec = server.Services.GetRequiredService<StoredChannelCodec>();
        var stored = (await store.ListAsync(CancellationToken.None)).Single(c => c.Name == "shared");
        var edited = codec.Decode(stored) with { Priority = 9, Weight = 4, Enabled = false };
        Assert.True(await store.UpdateAsync(codec.Encode(edited, stored.CreatedAt), CancellationToken.None));
        await server.Services.GetRequiredService<IChangeFeed>().PublishAsync(ChangeTopics.Channels, "shared", CancellationToken.None);

        var deadline = DateTime.UtcNow.AddSeconds(1);
        while (router.Find("shared")!.Priority != 9 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var reloaded = router.Find("shared")!;
        Assert.Equal(9, reloaded.Priority);
        Assert.Equal(4, reloaded.Weight);
        Assert.False(reloaded.Enabled);

        Assert.True(await store.RemoveAsync("shared", CancellationToken.None));
        await server.Services.GetRequiredService<IChangeFeed>().PublishAsync(ChangeTopics.Channels, "shared", CancellationToken.None);
        deadline = DateTime.UtcNow.AddSeconds(1);
        while (router.Find("shared") is not null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Null(router.Find("shared"));
    }
}
