using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Postgres;

/// <summary>
/// Two Nanogate servers on one PostgreSQL database: what an operator changes on one is honoured by the other within
/// a second (API.md), through the change feed, not the 30 s cache expiry.
/// </summary>
public sealed class CrossProcessCoherenceTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(1);

    [PostgresFact]
    public async Task A_revoked_key_a_rotated_admin_key_and_a_top_up_reach_the_other_process_within_a_second()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        string[] shared = ["Storage:Provider=postgres", $"ConnectionStrings:Postgres={database.ConnectionString}", "Admin:ApiKey="];
        await using var one = await NanogateServer.StartAsync([.. shared, $"Storage:DataDirectory={Path.Combine(Path.GetTempPath(), "nanogate-tests", Guid.NewGuid().ToString("N"))}"]);
        await using var two = await NanogateServer.StartAsync([.. shared, $"Storage:DataDirectory={Path.Combine(Path.GetTempPath(), "nanogate-tests", Guid.NewGuid().ToString("N"))}"]);

        // The admin key was generated once, by whichever process bootstrapped first, and both accept it.
        var banner = one.Services.GetBanner().Concat(two.Services.GetBanner()).ToList();
        var adminKey = Assert.Single(banner, l => l.StartsWith("Admin key", StringComparison.Ordinal)).Split(": ")[1];
        using var adminOne = Client(one, adminKey);
        using var adminTwo = Client(two, adminKey);

        // A key used on process two (so it is cached there), revoked on process one.
        var account = (await (await adminOne.PostAsJsonAsync("/admin/v1/accounts", new { name = "coherence", credits = 100 })).Content.ReadFromJsonAsync<JsonObject>())!;
        var accountId = account["id"]!.GetValue<string>();
        var created = (await (await adminOne.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "k" })).Content.ReadFromJsonAsync<JsonObject>())!;
        using var user = Client(two, created["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/v1/account")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await adminOne.DeleteAsync($"/admin/v1/keys/{created["id"]}")).StatusCode);
        await WithinAsync(async () => (await user.GetAsync("/v1/account")).StatusCode == HttpStatusCode.Unauthorized, "the revoked key still works on the other process");

        // Credits topped up on one process show on the other at once (balances are never cached).
        Assert.Equal(HttpStatusCode.OK, (await adminOne.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/credits", new { credits = 900 })).StatusCode);
        var seen = (await (await adminTwo.GetAsync($"/admin/v1/accounts/{accountId}")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(1000, seen["credits"]!["available"]!.GetValue<long>());

        // The admin key rotated on process two stops working on process one.
        var rotated = await adminTwo.PostAsync("/admin/v1/admin-key/rotate", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newKey = (await rotated.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
        await WithinAsync(async () => (await adminOne.GetAsync("/admin/v1/accounts")).StatusCode == HttpStatusCode.Unauthorized, "the old admin key still works on the other process");
        using var newAdminOne = Client(one, newKey);
        Assert.Equal(HttpStatusCode.OK, (await newAdminOne.GetAsync("/admin/v1/accounts")).StatusCode);
    }

    [PostgresFact]
    public async Task Disabling_an_account_on_one_process_refuses_its_cached_key_on_the_other_within_a_second_and_enabling_restores_it()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        string[] shared = ["Storage:Provider=postgres", $"ConnectionStrings:Postgres={database.ConnectionString}", $"Admin:ApiKey={NanogateServer.AdminKey}"];
        await using var one = await NanogateServer.StartAsync([.. shared, $"Storage:DataDirectory={Path.Combine(Path.GetTempPath(), "nanogate-tests", Guid.NewGuid().ToString("N"))}"]);
        await using var two = await NanogateServer.StartAsync([.. shared, $"Storage:DataDirectory={Path.Combine(Path.GetTempPath(), "nanogate-tests", Guid.NewGuid().ToString("N"))}"]);
        using var adminOne = Client(one, NanogateServer.AdminKey);

        var account = (await (await adminOne.PostAsJsonAsync("/admin/v1/accounts", new { name = "to disable", credits = 100 })).Content.ReadFromJsonAsync<JsonObject>())!;
        var accountId = account["id"]!.GetValue<string>();
        var created = (await (await adminOne.PostAsJsonAsync($"/admin/v1/accounts/{accountId}/keys", new { name = "k" })).Content.ReadFromJsonAsync<JsonObject>())!;
        using var user = Client(two, created["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/v1/account")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await adminOne.PatchAsJsonAsync($"/admin/v1/accounts/{accountId}", new { disabled = true })).StatusCode);
        await WithinAsync(async () => (await user.GetAsync("/v1/account")).StatusCode == HttpStatusCode.Forbidden, "the disabled account's key still works on the other process");
        Assert.Equal(HttpStatusCode.OK, (await adminOne.PatchAsJsonAsync($"/admin/v1/accounts/{accountId}", new { disabled = false })).StatusCode);
        await WithinAsync(async () => (await user.GetAsync("/v1/account")).StatusCode == HttpStatusCode.OK, "the enabled account's key is still refused on the other process");
    }

    private static async Task WithinAsync(Func<Task<bool>> condition, string failure)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Within, $"{failure} after {clock.Elapsed.TotalMilliseconds:0} ms");
            await Task.Delay(25);
        }
    }

    private static HttpClient Client(NanogateServer server, string key)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }
}

/// <summary>The lines a server printed for a person on start.</summary>
internal static class BannerExtensions
{
    public static IReadOnlyList<string> GetBanner(this IServiceProvider services) =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Nanogate.Hosting.Bootstrapper>(services).Banner;
}
