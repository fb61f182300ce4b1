using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;

namespace Nanogate.IntegrationTests.Upstreams;

/// <summary>A task relay hands its upstream a callback URL; the upstream's webhook wakes the relay's poll at once.</summary>
public sealed class RelayCallbackTests
{
    [Fact]
    public async Task The_upstream_callback_ends_a_relay_wait_long_before_its_next_poll()
    {
        // The upstream makes the image slowly and then calls back (it may call loopback addresses in this test).
        await using var upstream = await NanogateServer.StartAsync("Simulator:LatencyMs=1500", "Security:AllowPrivateNetworkTargets=true");
        var relay = await upstream.CreateAccountAsync(1_000_000, "relay");

        // The gateway's public address must be known before it starts: it goes into the callback URLs it hands out.
        var port = ScaleOut.NanogateProcess.FreePort();
        await using var gateway = await NanogateServer.StartAsync(
            $"urls=http://127.0.0.1:{port}", $"Server:PublicBaseUrl=http://127.0.0.1:{port}", "Security:AllowPrivateNetworkTargets=true");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Admin.PatchAsJsonAsync("/admin/v1/channels/simulator", new { enabled = false })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await gateway.Admin.PostAsJsonAsync("/admin/v1/channels", new
        {
            name = "relay-callback",
            kind = "task-relay",
            base_url = upstream.BaseAddress.ToString(),
            api_key = relay.Key,
            priority = 1,
            // The first poll comes only after 60 s: a task that ends in seconds was woken by the callback.
            settings = new { poll_interval_ms = 60_000, max_poll_interval_ms = 60_000 },
        })).StatusCode);
        var user = await gateway.CreateAccountAsync(100_000);
        using var client = user.Client();

        var clock = Stopwatch.StartNew();
        var submitted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "woken by a callback" }));
        var task = await TaskApi.WaitForEndAsync(client, submitted["task_id"]!.GetValue<string>(), TimeSpan.FromSeconds(40));

        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task An_unknown_callback_token_is_a_404_with_a_json_error()
    {
        await using var server = await NanogateServer.StartAsync();
        var response = await server.Client.PostAsync("/v1/relay-callbacks/not-a-token", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
