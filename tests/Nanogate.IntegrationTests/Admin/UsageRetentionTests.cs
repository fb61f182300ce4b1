using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;
using Nanogate.Operations;

namespace Nanogate.IntegrationTests.Admin;

/// <summary>
/// Usage retention on a fake clock: a day's usage of every dialect is rolled up by day once it is older than
/// <c>Retention:UsageDays</c>, and <c>GET /admin/v1/usage</c> (JSON, CSV, the summary) answers the same totals as before,
/// equal to the ledger's; hour buckets that old are refused with a message; the ledger still balances.
/// </summary>
public sealed class UsageRetentionTests : IAsyncLifetime
{
    private const long Day = 86_400_000;

    // Noon UTC: every request of the test falls in one UTC day, which is rolled up whole.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(DateTime.UtcNow.Date.AddHours(12), TimeSpan.Zero));
    private NanogateServer _server = null!;

    public async Task InitializeAsync() => _server = await NanogateServer.StartAsync(
        builder => builder.Services.AddSingleton<TimeProvider>(_clock), "Retention:UsageDays=400", "Retention:TaskDays=90");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Usage_older_than_UsageDays_is_rolled_up_by_day_and_every_total_stays_the_same()
    {
        var account = await _server.CreateAccountAsync(10_000, "usage-retention");
        using var client = account.Client();

        // A task (one image of two blocked: 45 charged, 45 refunded), Gemini, OpenAI (two images), and a failing Gemini call.
        var task = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(
            client, new { model = "nano-banana-2-lite", prompt = $"kept {Guid.NewGuid():N} [sim:blocked:1]", n = 2 }, r => r.Headers.Add("Prefer", "wait=30")));
        Assert.Equal("partially_succeeded", task["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body("a kept fox"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "two kept owls", n = 2 })).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body($"fail {Guid.NewGuid():N} [sim:500]"))).StatusCode);
        var balance = await account.BalanceAsync();
        Assert.Equal((45L + 45 + 90, 0L), (balance.Charged, balance.Reserved));

        var day = _clock.GetUtcNow().ToUnixTimeMilliseconds() / Day * Day;
        var window = string.Create(CultureInfo.InvariantCulture, $"from={Iso(day - Day)}&to={Iso(day + (2 * Day))}");
        var byDay = $"/admin/v1/usage?bucket=day&{window}&group_by=account,key,model,channel";
        var before = await MineAsync(byDay, account.Id);
        var csvBefore = await CsvAsync(byDay, account.Id);
        var summaryBefore = await SummaryAsync(account.Id);
        Assert.Equal(4, before.Sum(r => r["requests"]!.GetValue<long>()));
        Assert.Equal(1 + 1 + 2, before.Sum(r => r["images"]!.GetValue<long>()));
        Assert.Equal(balance.Charged, before.Sum(r => r["credits_charged"]!.GetValue<long>()));
        Assert.Equal(45, before.Sum(r => r["credits_refunded"]!.GetValue<long>()));
        Assert.Equal(HttpStatusCode.OK, (await _server.Admin.GetAsync($"/admin/v1/usage?bucket=hour&{window}")).StatusCode);
        var ledgerRows = await CountAsync($"SELECT COUNT(*) FROM ledger_entries WHERE account_id = '{account.Id}'");

        // 401 days on: the task is past Retention:TaskDays and deleted first, then every reservation is rolled up.
        _clock.Advance(TimeSpan.FromDays(401));
        // (The advance also ticks the server's own sweeper, which may hold a batch meanwhile: sweep until nothing is left.)
        var sweeper = _server.Services.GetRequiredService<RetentionSweeper>();
        var reservations = $"SELECT COUNT(*) FROM reservations WHERE account_id = '{account.Id}'";
        for (var round = 0; round < 100 && await CountAsync(reservations) > 0; round++)
        {
            await sweeper.SweepAsync(CancellationToken.None);
            await sweeper.RollUpUsageAsync(CancellationToken.None);
            await Task.Delay(round == 0 ? 0 : 50);
        }

        Assert.Equal(0, await CountAsync(reservations));
        Assert.Equal(0, await CountAsync($"SELECT COUNT(*) FROM tasks WHERE account_id = '{account.Id}'"));
        Assert.True(await CountAsync($"SELECT COUNT(*) FROM usage_daily WHERE account_id = '{account.Id}'") >= 1);
        Assert.Equal(ledgerRows, await CountAsync($"SELECT COUNT(*) FROM ledger_entries WHERE account_id = '{account.Id}'"));

        // The same rows, CSV and summary totals; equal to the ledger, which still balances.
        var after = await MineAsync(byDay, account.Id);
        Assert.Equal(before.Select(r => r.ToJsonString()), after.Select(r => r.ToJsonString()));
        Assert.Equal(csvBefore, await CsvAsync(byDay, account.Id));
        Assert.Equal(summaryBefore, await SummaryAsync(account.Id));
        Assert.Equal(balance, await account.BalanceAsync());
        Assert.Equal(balance.Charged, after.Sum(r => r["credits_charged"]!.GetValue<long>()));
        await _server.AssertLedgerConsistentAsync(account.Id);

        // Hours that old are gone: refused with a message that says what to ask instead.
        var hourly = await _server.Admin.GetAsync($"/admin/v1/usage?bucket=hour&{window}");
        Assert.Equal(HttpStatusCode.BadRequest, hourly.StatusCode);
        var error = (await hourly.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("from", error["param"]!.GetValue<string>());
        Assert.Contains("Retention:UsageDays", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("bucket=day", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await _server.Admin.GetAsync("/admin/v1/usage?bucket=hour&days=30")).StatusCode);

        // A second sweep finds nothing more and changes nothing.
        Assert.Equal(0, await sweeper.RollUpUsageAsync(CancellationToken.None));
        Assert.Equal(before.Select(r => r.ToJsonString()), (await MineAsync(byDay, account.Id)).Select(r => r.ToJsonString()));
    }

    private static string Iso(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private async Task<List<JsonObject>> MineAsync(string url, string accountId)
    {
        var usage = (await _server.Admin.GetFromJsonAsync<JsonObject>(url))!;
        return [.. usage["data"]!.AsArray().Select(r => r!.AsObject()).Where(r => r["account_id"]!.GetValue<string>() == accountId)];
    }

    private async Task<List<string>> CsvAsync(string url, string accountId)
    {
        var csv = await _server.Admin.GetStringAsync(url + "&format=csv");
        return [.. csv.Split("\r\n").Where(line => line.Contains(accountId, StringComparison.Ordinal))];
    }

    /// <summary>The summary's requests and credits of the account (its task image counts come from task rows, which retention deletes).</summary>
    private async Task<(long Requests, long Charged, long Refunded)> SummaryAsync(string accountId)
    {
        var summary = (await _server.Admin.GetFromJsonAsync<JsonObject>("/admin/v1/usage?days=1000"))!;
        var mine = summary["data"]!.AsArray().Where(r => r!["account_id"]!.GetValue<string>() == accountId).ToList();
        Assert.NotEmpty(mine);
        return (mine.Sum(r => r!["requests"]!.GetValue<long>()), mine.Sum(r => r!["credits_charged"]!.GetValue<long>()), mine.Sum(r => r!["credits_refunded"]!.GetValue<long>()));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var db = await _server.OpenDatabaseAsync();
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
