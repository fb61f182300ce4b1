using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Security;
using Nanogate.IntegrationTests.Tasks;
using Nanogate.IntegrationTests.Webhooks;

namespace Nanogate.IntegrationTests.Admin;

/// <summary>The console's admin routes on a real server: accounts, deductions, tasks, webhook re-sends and the audit log.</summary>
public sealed class AdminConsoleApiTests(WebhookServerFixture fixture) : IClassFixture<WebhookServerFixture>
{
    private NanogateServer Server => fixture.Server;

    private static async Task<JsonObject> Json(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private Task<HttpResponseMessage> PatchAsync(string accountId, string json) =>
        Server.Admin.PatchAsync($"/admin/v1/accounts/{accountId}", Body(json));

    private async Task<List<JsonObject>> AuditAsync(string target)
    {
        var page = await Json(await Server.Admin.GetAsync($"/admin/v1/audit?target={target}"));
        return [.. page["data"]!.AsArray().Select(e => e!.AsObject())];
    }

    [Fact]
    public async Task A_disabled_accounts_keys_answer_403_in_every_dialect_until_it_is_enabled_and_both_are_audited()
    {
        var account = await Server.CreateAccountAsync(100);
        using var user = account.Client();
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/v1/tasks")).StatusCode);

        var disabled = await Json(await PatchAsync(account.Id, "{\"disabled\":true}"));
        Assert.True(disabled["disabled"]!.GetValue<bool>());
        Assert.NotNull(disabled["disabled_at"]);

        // The same (already cached) key is refused at once: the cache is cleared through the change feed.
        using var tasks = await user.GetAsync("/v1/tasks");
        Assert.Equal(HttpStatusCode.Forbidden, tasks.StatusCode);
        var error = (await Json(tasks))["error"]!;
        Assert.Equal("account_disabled", error["code"]!.GetValue<string>());
        Assert.Contains(account.Id, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("disabled", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        using var openai = await user.GetAsync("/openai/v1/models");
        Assert.Equal(HttpStatusCode.Forbidden, openai.StatusCode);
        Assert.Equal("account_disabled", (await Json(openai))["error"]!["code"]!.GetValue<string>());

        using var gemini = new HttpClient { BaseAddress = Server.BaseAddress };
        gemini.DefaultRequestHeaders.Add("x-goog-api-key", account.Key);
        using var google = await gemini.GetAsync("/v1beta/models");
        Assert.Equal(HttpStatusCode.Forbidden, google.StatusCode);
        var googleError = (await Json(google))["error"]!;
        Assert.Equal("PERMISSION_DENIED", googleError["status"]!.GetValue<string>());
        Assert.Equal(403, googleError["code"]!.GetValue<int>());

        // A disabled account's key cannot spend either.
        using var submit = await user.PostAsync("/v1/images/generations", Body("{\"model\":\"nano-banana-2-lite\",\"prompt\":\"x\"}"));
        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);

        var enabled = await Json(await PatchAsync(account.Id, "{\"disabled\":false}"));
        Assert.False(enabled["disabled"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/v1/tasks")).StatusCode);

        var audit = await AuditAsync(account.Id);
        Assert.Equal(["account.enable", "account.disable"], audit.Take(2).Select(e => e["action"]!.GetValue<string>()));
        Assert.Equal("account.create", audit[^1]["action"]!.GetValue<string>());
        var fingerprint = "admin:" + Nanogate.Storage.Ids.HashKey(NanogateServer.AdminKey)[..12];
        Assert.All(audit, e => Assert.Equal(fingerprint, e["actor"]!.GetValue<string>()));
        Assert.Equal("127.0.0.1", audit[0]["ip"]!.GetValue<string>());
        Assert.True(audit[1]["detail"]!["disabled"]!.GetValue<bool>());
        Assert.Equal(0, (await Server.BalanceAsync(account.Id)).Reserved);
    }

    [Fact]
    public async Task Accounts_are_searched_paged_and_renamed()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await Server.CreateAccountAsync(0, $"console {tag} {i}")).Id);
        }

        var first = await Json(await Server.Admin.GetAsync($"/admin/v1/accounts?q={tag}&limit=2"));
        Assert.Equal(3, first["total"]!.GetValue<long>());
        Assert.True(first["has_more"]!.GetValue<bool>());
        var next = first["next_after"]!.GetValue<string>();
        var second = await Json(await Server.Admin.GetAsync($"/admin/v1/accounts?q={tag}&limit=2&after={next}"));
        Assert.False(second["has_more"]!.GetValue<bool>());
        Assert.Null(second["next_after"]);
        var seen = first["data"]!.AsArray().Concat(second["data"]!.AsArray()).Select(a => a!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));

        var byId = await Json(await Server.Admin.GetAsync($"/admin/v1/accounts?q={ids[1]}"));
        Assert.Equal(ids[1], Assert.Single(byId["data"]!.AsArray())!["id"]!.GetValue<string>());

        var renamed = await Json(await PatchAsync(ids[0], "{\"name\":\"  Renamed Ltd  \"}"));
        Assert.Equal("Renamed Ltd", renamed["name"]!.GetValue<string>());
        Assert.Equal("Renamed Ltd", (await Json(await Server.Admin.GetAsync($"/admin/v1/accounts/{ids[0]}")))["name"]!.GetValue<string>());
        var audit = (await AuditAsync(ids[0]))[0];
        Assert.Equal("account.rename", audit["action"]!.GetValue<string>());
        Assert.Equal($"console {tag} 0", audit["detail"]!["name"]!["from"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_deduction_takes_credits_with_its_reason_on_the_ledger_and_is_refused_past_the_balance()
    {
        var account = await Server.CreateAccountAsync(1000);
        var done = await Json(await Server.Admin.PostAsync($"/admin/v1/accounts/{account.Id}/deductions", Body("{\"credits\":400,\"reason\":\"chargeback 7781\"}")));
        Assert.Equal(400, done["deducted"]!.GetValue<long>());
        Assert.Equal(600, done["credits"]!["available"]!.GetValue<long>());

        using var tooMuch = await Server.Admin.PostAsync($"/admin/v1/accounts/{account.Id}/deductions", Body("{\"credits\":601,\"reason\":\"x\"}"));
        Assert.Equal(HttpStatusCode.Conflict, tooMuch.StatusCode);
        var error = (await Json(tooMuch))["error"]!;
        Assert.Equal("insufficient_credits", error["code"]!.GetValue<string>());
        Assert.Contains("600", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.Equal(600, (await account.BalanceAsync()).Available);
        await Server.AssertLedgerConsistentAsync(account.Id);
        await using var c = await Server.OpenDatabaseAsync();
        var entries = (await c.QueryAsync<(string Kind, long Amount, string Note)>(
            "SELECT kind, amount, note FROM ledger_entries WHERE account_id = @id AND kind = 'deduct'", new { id = account.Id })).ToList();
        Assert.Equal(("deduct", 400L, "chargeback 7781"), Assert.Single(entries));

        var audit = (await AuditAsync(account.Id))[0];
        Assert.Equal("credits.deduct", audit["action"]!.GetValue<string>());
        Assert.Equal("chargeback 7781", audit["detail"]!["reason"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Admin.PostAsync("/admin/v1/accounts/acct_none/deductions", Body("{\"credits\":1,\"reason\":\"x\"}"))).StatusCode);
    }

    [Theory]
    [InlineData("PATCH", "/admin/v1/accounts/{a}", "{}", "name")]
    [InlineData("PATCH", "/admin/v1/accounts/{a}", "{\"disabled\":\"yes\"}", "disabled")]
    [InlineData("PATCH", "/admin/v1/accounts/{a}", "{\"nickname\":\"x\"}", "nickname")]
    [InlineData("PATCH", "/admin/v1/accounts/{a}", "{\"name\":\"  \"}", "name")]
    [InlineData("PATCH", "/admin/v1/accounts/{a}", "{\"name\":\"a\\nb\"}", "name")]
    [InlineData("POST", "/admin/v1/accounts/{a}/deductions", "{\"credits\":0,\"reason\":\"x\"}", "credits")]
    [InlineData("POST", "/admin/v1/accounts/{a}/deductions", "{\"credits\":-3,\"reason\":\"x\"}", "credits")]
    [InlineData("POST", "/admin/v1/accounts/{a}/deductions", "{\"credits\":\"5\",\"reason\":\"x\"}", "credits")]
    [InlineData("POST", "/admin/v1/accounts/{a}/deductions", "{\"credits\":5}", "reason")]
    [InlineData("POST", "/admin/v1/accounts/{a}/deductions", "{\"credits\":5,\"reason\":\"two\\nlines\"}", "reason")]
    [InlineData("GET", "/admin/v1/accounts?limit=0", null, "limit")]
    [InlineData("GET", "/admin/v1/accounts?limit=201", null, "limit")]
    [InlineData("GET", "/admin/v1/accounts?after=acct_nobody", null, "after")]
    [InlineData("GET", "/admin/v1/tasks?status=done", null, "status")]
    [InlineData("GET", "/admin/v1/tasks?from=yesterday", null, "from")]
    [InlineData("GET", "/admin/v1/tasks?from=2026-11-02&to=2026-11-01", null, "from")]
    [InlineData("GET", "/admin/v1/tasks?after=task_nothing", null, "after")]
    [InlineData("GET", "/admin/v1/tasks?limit=x", null, "limit")]
    [InlineData("GET", "/admin/v1/audit?before=abc", null, "before")]
    public async Task Bad_input_is_a_400_naming_the_field(string method, string path, string? json, string field)
    {
        var account = await Server.CreateAccountAsync(10);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{a}", account.Id, StringComparison.Ordinal));
        if (json is not null)
        {
            request.Content = Body(json);
        }

        using var response = await Server.Admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await Json(response))["error"]!;
        Assert.Equal(field, error["param"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        Assert.Equal(10, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task A_task_is_found_by_prompt_shown_with_images_and_webhooks_and_its_webhook_re_sent_as_a_new_message()
    {
        await using var receiver = await LoopbackSite.StartAsync(app => app.MapPost("/hook", () => Results.Ok()));
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var words = "console search " + Guid.NewGuid().ToString("N")[..10];
        var accepted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new
        {
            model = "nano-banana-2-lite",
            prompt = "a lighthouse, " + words,
            callback_url = receiver.Url("/hook").ToString(),
        }));
        var taskId = accepted["task_id"]!.GetValue<string>();
        Assert.Equal("succeeded", (await TaskApi.WaitForEndAsync(client, taskId))["status"]!.GetValue<string>());

        var model = accepted["model"]!.GetValue<string>();
        var found = await Json(await Server.Admin.GetAsync($"/admin/v1/tasks?q={Uri.EscapeDataString(words.ToUpperInvariant())}&status=succeeded&model={model}"));
        Assert.Equal(1, found["total"]!.GetValue<long>());
        Assert.Equal(taskId, found["data"]![0]!["task_id"]!.GetValue<string>());
        var byAccount = await Json(await Server.Admin.GetAsync($"/admin/v1/tasks?account_id={account.Id}&from=2000-01-01&to=2999-01-01"));
        Assert.Equal(taskId, Assert.Single(byAccount["data"]!.AsArray())!["task_id"]!.GetValue<string>());

        // The first delivery lands.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (receiver.Requests.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var detail = await Json(await Server.Admin.GetAsync($"/admin/v1/tasks/{taskId}"));
        Assert.Equal(account.Id, detail["account_id"]!.GetValue<string>());
        Assert.Contains(words, detail["task"]!["request"]!["prompt"]!.GetValue<string>(), StringComparison.Ordinal);
        var image = detail["images"]![0]!;
        Assert.Equal("succeeded", image["status"]!.GetValue<string>());
        Assert.Equal(1, image["attempts"]!.GetValue<long>());
        using var anonymous = new HttpClient();
        using var bytes = await anonymous.GetAsync(image["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, bytes.StatusCode);
        var first = Assert.Single(detail["webhooks"]!.AsArray())!;
        Assert.Equal(receiver.Url("/hook").ToString(), first["url"]!.GetValue<string>());

        using var resend = await Server.Admin.PostAsync($"/admin/v1/tasks/{taskId}/webhook", null);
        Assert.Equal(HttpStatusCode.Accepted, resend.StatusCode);
        var sent = Assert.Single((await Json(resend))["deliveries"]!.AsArray())!;
        Assert.NotEqual(first["id"]!.GetValue<string>(), sent["id"]!.GetValue<string>());

        deadline = DateTime.UtcNow.AddSeconds(20);
        while (receiver.Requests.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var requests = receiver.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(sent["id"]!.GetValue<string>(), requests[1].Headers["webhook-id"]);
        Assert.Equal(taskId, JsonNode.Parse(requests[1].Body)!["data"]!["task_id"]!.GetValue<string>());

        var after = await Json(await Server.Admin.GetAsync($"/admin/v1/tasks/{taskId}"));
        Assert.Equal(2, after["webhooks"]!.AsArray().Count);
        Assert.Equal("task.webhook_resend", (await AuditAsync(taskId))[0]["action"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Admin.GetAsync("/admin/v1/tasks/task_nothing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Admin.PostAsync("/admin/v1/tasks/task_nothing/webhook", null)).StatusCode);
    }

    [Fact]
    public async Task Key_credit_and_admin_key_changes_through_the_api_are_audited_and_refused_ones_are_not()
    {
        var account = await Server.CreateAccountAsync(0);
        using var key = await Server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/keys", new { name = "ci" });
        var keyId = (await Json(key))["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await Server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { credits = 50 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { credits = -1 })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.Admin.DeleteAsync($"/admin/v1/keys/{keyId}")).StatusCode);

        var actions = (await AuditAsync(account.Id)).Select(e => e["action"]!.GetValue<string>()).ToList();
        Assert.Equal(["credits.top_up", "key.create"], actions.Take(2));
        Assert.Equal("account.create", actions[^1]);
        var revoke = (await AuditAsync(keyId)).Single();
        Assert.Equal("key.revoke", revoke["action"]!.GetValue<string>());

        // Nothing secret is kept: no key, no admin key.
        var all = await Server.Admin.GetStringAsync("/admin/v1/audit?limit=200");
        Assert.DoesNotContain(NanogateServer.AdminKey, all, StringComparison.Ordinal);
        Assert.DoesNotContain(account.Key, all, StringComparison.Ordinal);
    }
}
