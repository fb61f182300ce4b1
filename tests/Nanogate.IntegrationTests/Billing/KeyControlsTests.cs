using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;

namespace Nanogate.IntegrationTests.Billing;

/// <summary>Per-key controls on a real server (SQLite, or PostgreSQL with NANOGATE_TEST_STORAGE=postgres).</summary>
public sealed class KeyControlsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Model = "nano-banana-2-lite";

    private NanogateServer Server => fixture.Server;

    private async Task<(string AccountId, string KeyId, HttpClient Client, JsonObject Key)> KeyAsync(long credits, object controls)
    {
        var account = await Server.CreateAccountAsync(credits, "controls");
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(controls))!.AsObject();
        body["name"] = "limited";
        var response = await Server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/keys", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var client = new HttpClient { BaseAddress = Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", key["key"]!.GetValue<string>());
        return (account.Id, key["id"]!.GetValue<string>(), client, key);
    }

    [Fact]
    public async Task An_expired_key_answers_401_saying_it_expired_in_each_dialect()
    {
        var expires = TimeProvider.System.GetUtcNow().AddSeconds(3);
        var (accountId, keyId, client, key) = await KeyAsync(1_000, new { expires_at = expires.ToString("O", CultureInfo.InvariantCulture) });
        using var _ = client;
        Assert.Equal(expires.ToUnixTimeSeconds(), key["expires_at"]!.GetValue<DateTimeOffset>().ToUnixTimeSeconds());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks")).StatusCode);

        await Task.Delay(expires - TimeProvider.System.GetUtcNow() + TimeSpan.FromMilliseconds(300));

        var tasks = await client.GetAsync("/v1/tasks");
        Assert.Equal(HttpStatusCode.Unauthorized, tasks.StatusCode);
        var error = (await tasks.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Contains("expired", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var gemini = await client.PostAsJsonAsync($"/v1beta/models/{Model}:generateContent", Gemini.GeminiDialectTests.Body("x"));
        Assert.Equal(HttpStatusCode.Unauthorized, gemini.StatusCode);
        var geminiError = (await gemini.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("UNAUTHENTICATED", geminiError["status"]!.GetValue<string>());
        Assert.Contains("expired", geminiError["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var openAi = await OpenAi.OpenAiImagesTests.ErrorOf(
            await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = Model, prompt = "x" }), 401, "invalid_request_error", "invalid_api_key");
        Assert.Contains("expired", openAi["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var listed = (await Server.Admin.GetFromJsonAsync<JsonObject>($"/admin/v1/accounts/{accountId}/keys"))!["data"]!.AsArray().Single(k => k!["id"]!.GetValue<string>() == keyId)!;
        Assert.NotNull(listed["expires_at"]);
        Assert.Equal(1_000, (await Server.BalanceAsync(accountId)).Available);
    }

    [Fact]
    public async Task Requests_over_the_keys_rate_answer_429_with_Retry_After_and_a_patch_lifts_it_at_once()
    {
        var (_, keyId, client, key) = await KeyAsync(1_000, new { rate_limit = new { requests_per_minute = 2 } });
        using var _ = client;
        Assert.Equal(2, key["rate_limit"]!["requests_per_minute"]!.GetValue<int>());
        Assert.Null(key["rate_limit"]!["images_per_minute"]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks")).StatusCode);

        var limited = await client.GetAsync("/v1/tasks");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 30);
        var error = (await limited.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("rate_limited", error["code"]!.GetValue<string>());
        Assert.Contains("2 requests per minute", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var gemini = await client.PostAsJsonAsync($"/v1beta/models/{Model}:generateContent", Gemini.GeminiDialectTests.Body("x"));
        Assert.Equal(HttpStatusCode.TooManyRequests, gemini.StatusCode);
        Assert.True(gemini.Headers.Contains("Retry-After"));
        Assert.Equal("RESOURCE_EXHAUSTED", (await gemini.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["status"]!.GetValue<string>());

        var patched = await Server.Admin.PatchAsJsonAsync($"/admin/v1/keys/{keyId}", new { rate_limit = (object?)null });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks")).StatusCode);
    }

    [Fact]
    public async Task Open_routes_ignore_a_key_they_are_sent_so_it_spends_none_of_its_rate()
    {
        // A health probe or a page load that carries the key (a client with a default Authorization header) is not a
        // use of the key: only routes that ask for a key read it (no default authentication scheme).
        var (_, _, client, _) = await KeyAsync(1_000, new { rate_limit = new { requests_per_minute = 2 } });
        using var _ = client;
        foreach (var path in new[] { "/healthz", "/healthz", "/readyz", "/playground", "/no-such-path" })
        {
            var open = await client.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.TooManyRequests, open.StatusCode);
            Assert.NotEqual(HttpStatusCode.Unauthorized, open.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/v1/tasks")).StatusCode);
    }

    [Fact]
    public async Task Images_over_the_keys_rate_answer_429_in_the_dialect_before_anything_is_held()
    {
        var (accountId, _, client, _) = await KeyAsync(1_000, new { rate_limit = new { images_per_minute = 2 } });
        using var _ = client;
        var first = await TaskApi.SubmitAsync(client, new { model = Model, prompt = $"ipm {Guid.NewGuid():N}", n = 2 });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        var second = await TaskApi.SubmitAsync(client, new { model = Model, prompt = "one more", n = 1 });
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.True(second.Headers.Contains("Retry-After"));
        Assert.Contains("2 images per minute", (await second.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var tooMany = await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = Model, prompt = "x", n = 3 });
        var body = await OpenAi.OpenAiImagesTests.ErrorOf(tooMany, 429, "requests", "rate_limit_exceeded");
        Assert.Contains("more than this API key's limit", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(first))["task_id"]!.GetValue<string>());
        var balance = await Server.BalanceAsync(accountId);
        Assert.Equal(90, balance.Charged);
        Assert.Equal(0, balance.Reserved);
    }

    [Fact]
    public async Task A_daily_cap_is_never_passed_by_concurrent_requests_and_refuses_with_402_naming_it()
    {
        // 45 credits an image: a cap of 100 fits two, whatever the order the twelve concurrent submits commit in.
        var (accountId, keyId, client, _) = await KeyAsync(10_000, new { spend_cap = new { daily = 100 } });
        using var _ = client;
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            TaskApi.SubmitAsync(client, new { model = Model, prompt = $"cap {i} {Guid.NewGuid():N}", n = 1 })));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Accepted).ToList();
        Assert.All(refused, r => Assert.Equal(HttpStatusCode.PaymentRequired, r.StatusCode));
        var error = (await refused[0].Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("spend_cap_exceeded", error["code"]!.GetValue<string>());
        Assert.Contains("daily spending cap is 100 credits", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        foreach (var accepted in responses.Where(r => r.StatusCode == HttpStatusCode.Accepted))
        {
            await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(accepted))["task_id"]!.GetValue<string>());
        }

        var balance = await Server.BalanceAsync(accountId);
        Assert.Equal(90, balance.Charged);
        Assert.Equal(10_000 - 90, balance.Available);
        await Server.AssertLedgerConsistentAsync(accountId);

        // The synchronous dialects hold under the same cap, in their own error shapes.
        var gemini = await client.PostAsJsonAsync($"/v1beta/models/{Model}:generateContent", Gemini.GeminiDialectTests.Body("x"));
        Assert.Equal(HttpStatusCode.PaymentRequired, gemini.StatusCode);
        Assert.Contains("daily spending cap", (await gemini.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var openAi = await OpenAi.OpenAiImagesTests.ErrorOf(
            await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = Model, prompt = "x" }), 402, "insufficient_quota", "spend_cap_exceeded");
        Assert.Contains("100", openAi["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // A monthly cap is named as such; raising the caps lets the key spend again.
        Assert.Equal(HttpStatusCode.OK, (await Server.Admin.PatchAsJsonAsync($"/admin/v1/keys/{keyId}", new { spend_cap = new { daily = (long?)null, monthly = 120 } })).StatusCode);
        var monthly = await TaskApi.SubmitAsync(client, new { model = Model, prompt = "monthly", n = 1 });
        Assert.Equal(HttpStatusCode.PaymentRequired, monthly.StatusCode);
        Assert.Contains("monthly spending cap is 120 credits", (await monthly.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Server.Admin.PatchAsJsonAsync($"/admin/v1/keys/{keyId}", new { spend_cap = (object?)null })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await TaskApi.SubmitAsync(client, new { model = Model, prompt = $"uncapped {Guid.NewGuid():N}", n = 1 })).StatusCode);
    }

    [Fact]
    public async Task A_gemini_call_under_a_cap_below_its_worst_case_holds_what_the_cap_leaves_and_is_charged_its_cost()
    {
        var (accountId, _, client, _) = await KeyAsync(10_000, new { spend_cap = new { daily = 100 } });
        using var _ = client;
        var response = await client.PostAsJsonAsync($"/v1beta/models/{Model}:generateContent", Gemini.GeminiDialectTests.Body("a small boat"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var balance = await Server.BalanceAsync(accountId);
        Assert.Equal(45, balance.Charged);
        Assert.Equal(0, balance.Reserved);
        Assert.Equal(10_000 - 45, balance.Available);
    }

    [Fact]
    public async Task Last_used_at_is_recorded_and_listed()
    {
        var (accountId, keyId, client, key) = await KeyAsync(1_000, new { });
        using var _ = client;
        Assert.Null(key["last_used_at"]);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/tasks")).StatusCode);

        JsonNode? lastUsed = null;
        for (var i = 0; i < 50 && lastUsed is null; i++)
        {
            await Task.Delay(100);
            var keys = (await Server.Admin.GetFromJsonAsync<JsonObject>($"/admin/v1/accounts/{accountId}/keys"))!;
            lastUsed = keys["data"]!.AsArray().Single(k => k!["id"]!.GetValue<string>() == keyId)!["last_used_at"];
        }

        Assert.NotNull(lastUsed);
        Assert.InRange(lastUsed!.GetValue<DateTimeOffset>(), TimeProvider.System.GetUtcNow().AddMinutes(-1), TimeProvider.System.GetUtcNow().AddMinutes(1));
    }

    [Theory]
    [InlineData("{\"expires_at\":\"yesterday\"}", "expires_at", "expires_at must be an ISO 8601 time, e.g. \"2027-01-31T00:00:00Z\", or null for never; got \"yesterday\".")]
    [InlineData("{\"expires_at\":\"2001-01-01T00:00:00Z\"}", "expires_at", null)]
    [InlineData("{\"rate_limit\":{\"requests_per_minute\":0}}", "rate_limit.requests_per_minute", "rate_limit.requests_per_minute must be a whole number from 1 to 1000000, or null for no limit.")]
    [InlineData("{\"rate_limit\":{\"images_per_minute\":1000001}}", "rate_limit.images_per_minute", "rate_limit.images_per_minute must be a whole number from 1 to 1000000, or null for no limit.")]
    [InlineData("{\"rate_limit\":{\"rpm\":5}}", "rate_limit.rpm", "rate_limit has no field rpm: use requests_per_minute and images_per_minute.")]
    [InlineData("{\"rate_limit\":5}", "rate_limit", "rate_limit must be an object {\"requests_per_minute\": n, \"images_per_minute\": n} (either may be null) or null.")]
    [InlineData("{\"spend_cap\":{\"daily\":-1}}", "spend_cap.daily", "spend_cap.daily must be a whole number of credits from 1 to 1000000000000000, or null for no cap.")]
    [InlineData("{\"spend_cap\":{\"monthly\":0}}", "spend_cap.monthly", "spend_cap.monthly must be a whole number of credits from 1 to 1000000000000000, or null for no cap.")]
    [InlineData("{\"spend_cap\":{\"weekly\":5}}", "spend_cap.weekly", "spend_cap has no field weekly: use daily and monthly.")]
    [InlineData("{\"spend_cap\":[1,2]}", "spend_cap", "spend_cap must be an object {\"daily\": credits, \"monthly\": credits} (either may be null) or null.")]
    public async Task Bad_controls_are_refused_with_400_naming_the_field(string json, string param, string? message)
    {
        var account = await Server.CreateAccountAsync(0, "bad-controls");
        var response = await Server.Admin.PostAsync($"/admin/v1/accounts/{account.Id}/keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal(param, error["param"]!.GetValue<string>());
        Assert.Equal("invalid_request", error["code"]!.GetValue<string>());
        if (message is not null)
        {
            // The exact words: rate_limit and spend_cap share one reader, and each must still say what to send.
            Assert.Equal(message, error["message"]!.GetValue<string>());
        }

        var patch = await Server.Admin.PatchAsync($"/admin/v1/keys/{account.KeyId}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, patch.StatusCode);
    }
}
