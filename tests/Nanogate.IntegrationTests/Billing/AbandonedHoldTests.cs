using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.ScaleOut;

namespace Nanogate.IntegrationTests.Billing;

/// <summary>
/// A synchronous request's credit hold outlives a process killed mid-request (SIGKILL: nothing of the request's own
/// cleanup runs); after a restart the hold sweeper gives the credits back once the hold is older than any request.
/// </summary>
public sealed class AbandonedHoldTests
{
    private const string DemoKey = "sk-abandoned-hold";

    [Fact]
    public async Task The_hold_of_a_request_whose_process_was_killed_is_released_after_a_restart()
    {
        var data = Path.Combine(Path.GetTempPath(), "nanogate-tests", "hold-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        string[] settings =
        [
            "Storage:Provider=sqlite", $"Storage:DataDirectory={data}", "Admin:ApiKey=sk-admin-hold", $"Bootstrap:DemoKey={DemoKey}",
            "Bootstrap:DemoCredits=10000", "Simulator:Enabled=true", "Simulator:LatencyMs=0", "Upstreams:TimeoutSeconds=4", "Upstreams:Router:MaxAttempts=1",
            "Billing:AbandonedHoldSeconds=5", "Billing:HoldSweepSeconds=1", "Logging:LogLevel:Default=Warning",
        ];
        await using var process = new NanogateProcess("hold", NanogateProcess.FreePort(), data, settings);
        await process.StartAsync(TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoKey);

        // A slow synchronous generation: its hold is taken, then the process dies while the upstream works.
        var body = """{"contents":[{"parts":[{"text":"[sim:slow:3500] a held request"}]}],"generationConfig":{"responseModalities":["IMAGE"]}}""";
        var inFlight = client.PostAsync("/v1beta/models/nano-banana-2-lite:generateContent", new StringContent(body, Encoding.UTF8, "application/json"));
        var held = await WaitForAsync(client, c => c["reserved"]!.GetValue<long>() > 0, TimeSpan.FromSeconds(10));
        Assert.Equal(10000, held["available"]!.GetValue<long>() + held["reserved"]!.GetValue<long>());
        process.Kill();
        await Assert.ThrowsAnyAsync<Exception>(() => inFlight);

        // After the restart the hold is still there (the request may have been billed), then released as abandoned.
        await process.StartAsync(TimeSpan.FromSeconds(60));
        var released = await WaitForAsync(client, c => c["reserved"]!.GetValue<long>() == 0, TimeSpan.FromSeconds(20));
        Assert.Equal(10000, released["available"]!.GetValue<long>());
        Assert.Equal(0, released["charged"]!.GetValue<long>());
    }

    private static async Task<JsonObject> WaitForAsync(HttpClient client, Func<JsonObject, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var credits = (await client.GetFromJsonAsync<JsonObject>("/v1/account"))!["credits"]!.AsObject();
            if (condition(credits))
            {
                return credits;
            }

            Assert.True(DateTime.UtcNow < deadline, $"not within {timeout.TotalSeconds} s: {credits.ToJsonString()}");
            await Task.Delay(100);
        }
    }
}
