using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Storage;
using Nanogate.Storage.Ledger;

namespace Nanogate.IntegrationTests.Tasks;

/// <summary>
/// kill -9 in the middle of generation: a real Nanogate process is killed while images are leased and
/// generating, restarted on the same data directory, and every task must still end with each image
/// billed exactly once.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const string AdminKey = "sk-admin-crash-tests";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "nanogate-tests", "crash-" + Guid.NewGuid().ToString("N"));
    private Process? _process;

    [Fact]
    public async Task Tasks_survive_a_kill_9_mid_generation_and_each_image_is_billed_once()
    {
        Directory.CreateDirectory(_dataDirectory);
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        await StartAsync(port, latencyMs: 3000);

        using var admin = new HttpClient { BaseAddress = baseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var account = (await (await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "crash", credits = 1000 })).Content.ReadFromJsonAsync<JsonObject>())!;
        var accountId = account["id"]!.GetValue<string>();
        var key = (await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "k" })).Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var taskIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"crash test {i}", n = 2 });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            taskIds.Add((await TaskApi.JsonAsync(response))["task_id"]!.GetValue<string>());
        }

        // Wait until the images are leased and generating, then kill -9.
        await Task.Delay(1500);
        var running = await TaskApi.JsonAsync(await client.GetAsync($"/v1/tasks/{taskIds[0]}"));
        Assert.Equal("running", running["status"]!.GetValue<string>());
        _process!.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;

        await StartAsync(port, latencyMs: 0);
        foreach (var taskId in taskIds)
        {
            var task = await TaskApi.WaitForEndAsync(client, taskId, TimeSpan.FromSeconds(60));
            Assert.Equal("succeeded", task["status"]!.GetValue<string>());
            Assert.Equal(90, task["credits"]!["charged"]!.GetValue<int>());
            Assert.Equal(0, task["credits"]!["refunded"]!.GetValue<int>());
            foreach (var image in task["images"]!.AsArray())
            {
                var bytes = await client.GetByteArrayAsync(image!["url"]!.GetValue<string>());
                Assert.Equal((1024, 1024), Infrastructure.Png.Size(bytes));
            }
        }

        // The ledger, read straight from the database: 6 captures of 45, nothing held, books balanced.
        await using var db = await TestStorage.OpenAsync(_dataDirectory);
        var captures = (await db.QueryAsync<long>(
            "SELECT amount FROM ledger_entries WHERE account_id = @accountId AND kind = 'capture'", new { accountId })).ToList();
        Assert.Equal(6, captures.Count);
        Assert.All(captures, amount => Assert.Equal(45, amount));
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection((await TestStorage.SettingsAsync(_dataDirectory)).Select(s => s.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], (string?)p[1])))
            .Build();
        await using var storage = new ServiceCollection().AddSingleton(TimeProvider.System).AddNanogateStorage(configuration).BuildServiceProvider();
        var ledger = storage.GetRequiredService<ILedger>();
        var balance = await ledger.GetBalanceAsync(accountId, CancellationToken.None);
        Assert.Equal((730L, 0L, 270L), (balance.Available, balance.Reserved, balance.Charged));
        Assert.Equal(balance.Available, await ledger.RecomputeAvailableAsync(accountId, CancellationToken.None));
        Assert.Equal(balance.ToppedUp, balance.Available + balance.Reserved + balance.Charged);
        var attempts = (await db.QueryAsync<long>("SELECT attempt FROM task_images")).ToList();
        Assert.Contains(attempts, a => a >= 2);
    }

    [Fact]
    public async Task A_graceful_stop_hands_running_images_back_at_once()
    {
        Directory.CreateDirectory(_dataDirectory);
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");

        // Long leases: if the stop did not hand the image back, it would sit out 60 s after the restart.
        await StartAsync(port, latencyMs: 5000, leaseSeconds: 60);
        using var admin = new HttpClient { BaseAddress = baseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        var account = (await (await admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "stop", credits = 1000 })).Content.ReadFromJsonAsync<JsonObject>())!;
        var accountId = account["id"]!.GetValue<string>();
        var key = (await (await admin.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "k" })).Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        using var client = new HttpClient { BaseAddress = baseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var taskId = (await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "graceful" })))["task_id"]!.GetValue<string>();
        await Task.Delay(1000);

        using (var term = Process.Start("kill", ["-TERM", _process!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        _process = null;

        await StartAsync(port, latencyMs: 0, leaseSeconds: 60);
        var task = await TaskApi.WaitForEndAsync(client, taskId, TimeSpan.FromSeconds(20));
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        Assert.Equal(45, task["credits"]!["charged"]!.GetValue<int>());
    }

    private async Task StartAsync(int port, int latencyMs, int leaseSeconds = 3)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var storage = (await TestStorage.SettingsAsync(_dataDirectory)).Select(s => "--" + s);
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Nanogate.dll"),
            $"--urls=http://127.0.0.1:{port}",
            $"--Admin:ApiKey={AdminKey}",
            $"--Simulator:LatencyMs={latencyMs}",
            $"--Tasks:LeaseSeconds={leaseSeconds}",
            "--Tasks:HeartbeatSeconds=1",
            "--Logging:LogLevel:Default=Warning",
        }.Concat(storage))
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(_process.HasExited, "Nanogate exited during start");
            try
            {
                if ((await probe.GetAsync($"http://127.0.0.1:{port}/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "Nanogate did not become ready");
            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        TestStorage.DropAsync(_dataDirectory).GetAwaiter().GetResult();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
