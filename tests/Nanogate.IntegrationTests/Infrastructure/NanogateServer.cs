using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.Hosting;
using Nanogate.Storage.Ledger;

namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>
/// A real Nanogate on loopback (Kestrel, port 0) with its own SQLite file in a temp folder (or, with
/// <c>NANOGATE_TEST_STORAGE=postgres</c>, its own PostgreSQL database: see <see cref="TestStorage"/>) and the
/// built-in simulator at zero latency, unless a test says otherwise.
/// </summary>
public sealed class NanogateServer : IAsyncDisposable
{
    public const string AdminKey = "sk-admin-integration-tests";

    private readonly WebApplication _app;
    private readonly bool _ownsData;

    private NanogateServer(WebApplication app, string dataDirectory, bool ownsData)
    {
        _app = app;
        _ownsData = ownsData;
        DataDirectory = dataDirectory;
        BaseAddress = app.Services.GetRequiredService<ServerAddress>().Get();
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Admin = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
    }

    public Uri BaseAddress { get; }

    public string DataDirectory { get; }

    /// <summary>A client with no credentials.</summary>
    public HttpClient Client { get; }

    /// <summary>A client carrying the admin key.</summary>
    public HttpClient Admin { get; }

    public IServiceProvider Services => _app.Services;

    public static Task<NanogateServer> StartAsync(params string[] settings) => StartAsync(null, settings);

    /// <summary>Starts a server whose services <paramref name="configure"/> may replace (e.g. its <see cref="TimeProvider"/> with a fake clock).</summary>
    public static async Task<NanogateServer> StartAsync(Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure, params string[] settings)
    {
        // A test that names its own data directory (to restart on it) owns it, and on PostgreSQL its database too.
        var given = settings.FirstOrDefault(s => s.StartsWith("Storage:DataDirectory=", StringComparison.Ordinal))?["Storage:DataDirectory=".Length..];
        var dataDirectory = given ?? Path.Combine(Path.GetTempPath(), "nanogate-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--Admin:ApiKey={AdminKey}",
            "--Simulator:LatencyMs=0",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
        };

        // A test that picks the provider itself (to check configuration errors) gets exactly what it asked for.
        var storage = settings.Any(s => s.StartsWith("Storage:Provider=", StringComparison.Ordinal))
            ? [$"Storage:DataDirectory={dataDirectory}"]
            : await TestStorage.SettingsAsync(dataDirectory);
        args.AddRange(storage.Select(s => "--" + s));
        args.AddRange(settings.Select(s => "--" + s));
        var app = NanogateApp.Build([.. args], configure);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            if (given is null)
            {
                await TestStorage.DropAsync(dataDirectory);
            }

            throw;
        }

        return new NanogateServer(app, dataDirectory, ownsData: given is null);
    }

    /// <summary>An open connection to this server's database (SQLite or PostgreSQL), for tests that look at rows directly.</summary>
    public Task<System.Data.Common.DbConnection> OpenDatabaseAsync() => TestStorage.OpenAsync(DataDirectory);

    /// <summary>Creates an account with <paramref name="credits"/> and a key for it.</summary>
    public async Task<TestAccount> CreateAccountAsync(long credits, string name = "test")
    {
        var created = await Admin.PostAsJsonAsync("/admin/v1/accounts", new { name, credits });
        created.EnsureSuccessStatusCode();
        var account = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = account["id"]!.GetValue<string>();
        var keyResponse = await Admin.PostAsJsonAsync($"/admin/v1/accounts/{id}/keys", new { name = "test key" });
        keyResponse.EnsureSuccessStatusCode();
        var key = (await keyResponse.Content.ReadFromJsonAsync<JsonObject>())!;
        return new TestAccount(this, id, key["key"]!.GetValue<string>(), key["id"]!.GetValue<string>());
    }

    public Task<AccountBalance> BalanceAsync(string accountId) =>
        Services.GetRequiredService<ILedger>().GetBalanceAsync(accountId, CancellationToken.None);

    /// <summary>Balance invariants that must hold whenever nothing is in flight.</summary>
    public async Task AssertLedgerConsistentAsync(string accountId)
    {
        var ledger = Services.GetRequiredService<ILedger>();
        var balance = await ledger.GetBalanceAsync(accountId, CancellationToken.None);
        Assert.True(balance.Available >= 0);
        Assert.Equal(balance.Available, await ledger.RecomputeAvailableAsync(accountId, CancellationToken.None));
        Assert.Equal(balance.ToppedUp, balance.Available + balance.Reserved + balance.Charged + balance.Deducted);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!_ownsData)
        {
            return;
        }

        await TestStorage.DropAsync(DataDirectory);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>An account made for a test, with a client that carries its key as a Bearer token.</summary>
public sealed record TestAccount(NanogateServer Server, string Id, string Key, string KeyId)
{
    public HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    public Task<AccountBalance> BalanceAsync() => Server.BalanceAsync(Id);

    /// <summary>
    /// The balance once no hold is open, or after 5 s as it is then: a streamed answer is settled after the caller saw
    /// its end (or the abort, or left), so a test reads the balance when the gateway has caught up.
    /// </summary>
    public async Task<AccountBalance> SettledBalanceAsync()
    {
        for (var i = 0; ; i++)
        {
            var balance = await BalanceAsync();
            if (balance.Reserved == 0 || i == 100)
            {
                return balance;
            }

            await Task.Delay(50);
        }
    }
}
