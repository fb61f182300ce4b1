using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Postgres;

/// <summary>Two processes on one PostgreSQL database: key controls changed on one apply on the other, and a spending cap holds across both.</summary>
public sealed class CrossProcessKeyControlsTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    [PostgresFact]
    public async Task A_limit_set_on_one_process_applies_on_the_other_within_a_second_and_a_cap_holds_across_both()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        string[] shared = ["Storage:Provider=postgres", $"ConnectionStrings:Postgres={database.ConnectionString}"];
        await using var one = await NanogateServer.StartAsync([.. shared, $"Storage:DataDirectory={Path.Combine(Path.GetTempPath(), "nanogate-tests", Guid.NewGuid().ToString("N"))}"]);
        await using var two = await NanogateServer.StartAsync([.. shared, $"Storage:DataDirectory={Path.Combine(Path.GetTempPath(), "nanogate-tests", Guid.NewGuid().ToString("N"))}"]);

        var account = await one.CreateAccountAsync(10_000, "cross-process-controls");
        using var onOne = Client(one, account.Key);
        using var onTwo = Client(two, account.Key);
        Assert.Equal(HttpStatusCode.OK, (await onTwo.GetAsync("/v1/account")).StatusCode);

        // An expiry in the past cannot be set, so a key is stopped across processes by a rate limit of one a minute.
        Assert.Equal(HttpStatusCode.OK, (await one.Admin.PatchAsJsonAsync($"/admin/v1/keys/{account.KeyId}", new { rate_limit = new { requests_per_minute = 1 } })).StatusCode);
        var clock = Stopwatch.StartNew();
        while ((await onTwo.GetAsync("/v1/account")).StatusCode != HttpStatusCode.TooManyRequests)
        {
            Assert.True(clock.Elapsed < Within + TimeSpan.FromMilliseconds(200), $"the new rate limit did not reach the other process in {clock.Elapsed.TotalMilliseconds:0} ms");
            await Task.Delay(25);
        }

        // A daily cap of 100 (45 credits an image) set on one process: concurrent submits to both never pass it.
        Assert.Equal(HttpStatusCode.OK, (await one.Admin.PatchAsJsonAsync($"/admin/v1/keys/{account.KeyId}", new { rate_limit = (object?)null, spend_cap = new { daily = 100 } })).StatusCode);
        await Task.Delay(Within);
        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            (i % 2 == 0 ? onOne : onTwo).PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = $"cap {i} {Guid.NewGuid():N}", n = 1 })));
        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(14, responses.Count(r => r.StatusCode == HttpStatusCode.PaymentRequired));
        var balance = await one.BalanceAsync(account.Id);
        Assert.Equal(90, balance.Reserved + balance.Charged);
    }

    private static HttpClient Client(NanogateServer server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}
