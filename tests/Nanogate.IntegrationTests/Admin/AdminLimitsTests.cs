using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Storage.Ledger;

namespace Nanogate.IntegrationTests.Admin;

/// <summary>Credit amounts are checked before anything is written, and names an operator gives are bounded.</summary>
public sealed class AdminLimitsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_top_up_past_the_account_limit_is_a_400_that_writes_nothing_and_the_account_list_keeps_working()
    {
        var server = fixture.Server;
        var account = await server.CreateAccountAsync(1000);

        // Once: the single largest top-up; then one credit more than the limit allows.
        var ok = await server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { credits = ILedger.MaxBalance - 1000 });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var over = await server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { credits = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, over.StatusCode);
        Assert.Contains("nothing was added", await over.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The 2^63-1 that used to overflow the balance: refused before any write.
        var huge = await server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { credits = long.MaxValue });
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        var hugeUsd = await server.Admin.PostAsync($"/admin/v1/accounts/{account.Id}/credits", JsonContent.Create(JsonNode.Parse("""{"package":"entry","usd":79228162514264337593543950335}""")));
        Assert.Equal(HttpStatusCode.BadRequest, hugeUsd.StatusCode);

        Assert.Equal(ILedger.MaxBalance, (await account.BalanceAsync()).Available);
        await server.AssertLedgerConsistentAsync(account.Id);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.GetAsync("/admin/v1/accounts")).StatusCode);
        var created = await server.Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = "too rich", credits = long.MaxValue });
        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("nul\u0000byte")]
    [InlineData("esc\u001b[31mred")]
    public async Task Names_with_control_characters_are_refused(string name)
    {
        var response = await fixture.Server.Admin.PostAsJsonAsync("/admin/v1/accounts", new { name });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("control characters", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_longer_than_100_characters_are_refused_for_accounts_and_keys()
    {
        var server = fixture.Server;
        var account = await server.Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = new string('a', 101) });
        Assert.Equal(HttpStatusCode.BadRequest, account.StatusCode);
        var existing = await server.CreateAccountAsync(0);
        var key = await server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{existing.Id}/keys", new { name = new string('k', 101) });
        Assert.Equal(HttpStatusCode.BadRequest, key.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await server.Admin.PostAsJsonAsync("/admin/v1/accounts", new { name = new string('a', 100) })).StatusCode);
    }
}
