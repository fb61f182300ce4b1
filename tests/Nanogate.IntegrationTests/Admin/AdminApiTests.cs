using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Admin;

public class AdminApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private NanogateServer Server => fixture.Server;

    private static async Task<JsonObject> Json(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    [Fact]
    public async Task Admin_routes_refuse_missing_and_user_keys()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Client.GetAsync("/admin/v1/accounts")).StatusCode);
        var account = await Server.CreateAccountAsync(10);
        using var user = account.Client();
        var response = await user.GetAsync("/admin/v1/accounts");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthenticated", (await Json(response))["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_key_is_shown_once_and_listed_by_prefix_only()
    {
        var account = await Server.CreateAccountAsync(0);
        var created = await Json(await Server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/keys", new { name = "second" }));
        var key = created["key"]!.GetValue<string>();
        Assert.StartsWith("sk-", key, StringComparison.Ordinal);

        var list = await Server.Admin.GetStringAsync($"/admin/v1/accounts/{account.Id}/keys");
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        Assert.Contains(key[..10], list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_are_stored_as_hashes_only()
    {
        var account = await Server.CreateAccountAsync(0);
        string all;
        if (TestStorage.OnPostgres)
        {
            // Every row of the tables a key could land in, as text.
            await using var c = await Server.OpenDatabaseAsync();
            all = string.Join('\n', await c.QueryAsync<string>("SELECT t::text FROM api_keys t UNION ALL SELECT t::text FROM accounts t UNION ALL SELECT t::text FROM settings t"));
        }
        else
        {
            var db = await File.ReadAllBytesAsync(Path.Combine(Server.DataDirectory, "nanogate.db"));
            var wal = Path.Combine(Server.DataDirectory, "nanogate.db-wal");
            all = Encoding.ASCII.GetString(db) + (File.Exists(wal) ? Encoding.ASCII.GetString(await File.ReadAllBytesAsync(wal)) : "");
        }

        Assert.DoesNotContain(account.Key, all, StringComparison.Ordinal);
        Assert.Contains(Nanogate.Storage.Ids.HashKey(account.Key), all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_ups_take_raw_credits_or_a_package_and_dollars()
    {
        var account = await Server.CreateAccountAsync(0);
        var raw = await Json(await Server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { credits = 500 }));
        Assert.Equal(500, raw["added"]!.GetValue<long>());

        var best = await Json(await Server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { package = "best", usd = 1000 }));
        Assert.Equal(2_000_000, best["added"]!.GetValue<long>());

        var entry = await Json(await Server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { package = "entry", usd = 2.5 }));
        Assert.Equal(2_500, entry["added"]!.GetValue<long>());
        Assert.Equal(2_003_000, (await account.BalanceAsync()).Available);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Theory]
    [InlineData("{\"credits\":\"500\"}", "credits")]
    [InlineData("{\"credits\":-5}", "positive")]
    [InlineData("{\"package\":\"gold\",\"usd\":10}", "Unknown package")]
    [InlineData("{\"package\":\"best\",\"usd\":10}", "starts at")]
    [InlineData("{\"package\":\"entry\"}", "usd is required")]
    [InlineData("{}", "Send {")]
    [InlineData("not json", "not valid JSON")]
    public async Task Bad_top_ups_are_400_with_a_message(string body, string expected)
    {
        var account = await Server.CreateAccountAsync(0);
        var response = await Server.Admin.PostAsync($"/admin/v1/accounts/{account.Id}/credits", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (await Json(response))["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task Unknown_accounts_and_keys_are_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Admin.PostAsJsonAsync("/admin/v1/accounts/acct_nope/credits", new { credits = 5 })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Admin.PostAsJsonAsync("/admin/v1/accounts/acct_nope/keys", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Admin.DeleteAsync("/admin/v1/keys/key_nope")).StatusCode);
    }

    [Fact]
    public async Task Account_needs_a_name()
    {
        var response = await Server.Admin.PostAsJsonAsync("/admin/v1/accounts", new { credits = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("name is required", (await Json(response))["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Channels_are_listed_with_health_and_can_be_disabled()
    {
        var list = await Json(await Server.Admin.GetAsync("/admin/v1/channels"));
        var simulator = list["data"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == "simulator")!;
        Assert.Equal("healthy", simulator["health"]!.GetValue<string>());

        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        try
        {
            var disabled = await Json(await Server.Admin.PatchAsJsonAsync("/admin/v1/channels/simulator", new { enabled = false }));
            Assert.Equal("disabled", disabled["data"]![0]!["health"]!.GetValue<string>());
            var refused = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body("x"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(1_000, (await account.BalanceAsync()).Available);
        }
        finally
        {
            await Server.Admin.PatchAsJsonAsync("/admin/v1/channels/simulator", new { enabled = true });
        }

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body("x"))).StatusCode);
    }

    [Fact]
    public async Task Account_endpoint_shows_the_callers_own_balance()
    {
        var account = await Server.CreateAccountAsync(777);
        using var client = account.Client();
        var me = await Json(await client.GetAsync("/v1/account"));
        Assert.Equal(account.Id, me["id"]!.GetValue<string>());
        Assert.Equal(777, me["credits"]!["available"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Client.GetAsync("/v1/account")).StatusCode);
    }

    [Fact]
    public async Task Catalog_is_public_and_prices_lite_at_45_credits()
    {
        var catalog = await Json(await Server.Client.GetAsync("/v1/models"));
        var lite = catalog["data"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == "gemini-3.1-flash-lite-image")!;
        Assert.Equal(45, lite["pricing"]!["credits_per_image"]!["1K"]!.GetValue<int>());
        Assert.Equal(0.0225m, lite["pricing"]!["usd_per_image"]!["1K"]!["min"]!.GetValue<decimal>());
        Assert.Equal(0.045m, lite["pricing"]!["usd_per_image"]!["1K"]!["max"]!.GetValue<decimal>());
        Assert.Equal("1376x768", lite["pixel_sizes"]!["1K"]!["16:9"]!.GetValue<string>());
        Assert.Contains("nano-banana-2-lite", lite["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(4, catalog["packages"]!.AsArray().Count);

        var one = await Json(await Server.Client.GetAsync("/v1/models/nano-banana-2-lite"));
        Assert.Equal("gemini-3.1-flash-lite-image", one["id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await Server.Client.GetAsync("/v1/models/nope")).StatusCode);
    }
}

public class BootstrapTests
{
    [Fact]
    public async Task Configured_demo_key_exists_with_its_credits_and_survives_a_restart()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nanogate-tests", Guid.NewGuid().ToString("N"));
        await using (var server = await NanogateServer.StartAsync("Bootstrap:DemoKey=sk-demo-fixed", "Bootstrap:DemoCredits=1234", $"Storage:DataDirectory={dir}"))
        {
            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            client.DefaultRequestHeaders.Add("Authorization", "Bearer sk-demo-fixed");
            var me = (await client.GetFromJsonAsync<JsonObject>("/v1/account"))!;
            Assert.Equal(1234, me["credits"]!["available"]!.GetValue<long>());
        }

        await TestStorage.DropAsync(dir);
    }

    [Fact]
    public async Task Bad_configuration_fails_at_start_naming_the_key()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => NanogateServer.StartAsync("Storage:Provider=mysql"));
        Assert.Contains("Storage:Provider", error.Message, StringComparison.Ordinal);
        var postgres = await Assert.ThrowsAnyAsync<Exception>(() => NanogateServer.StartAsync("Storage:Provider=postgres"));
        Assert.Contains("ConnectionStrings:Postgres", postgres.Message, StringComparison.Ordinal);
        var timeout = await Assert.ThrowsAnyAsync<Exception>(() => NanogateServer.StartAsync("Upstreams:TimeoutSeconds=0"));
        Assert.Contains("Upstreams:TimeoutSeconds", timeout.Message, StringComparison.Ordinal);
    }
}

public class OperationsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Metrics_count_requests_by_route_template_and_credits_by_model()
    {
        var account = await fixture.Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body("x"))).StatusCode);
        // A request is recorded as its pipeline unwinds, just after the client has its answer: poll briefly.
        (string, string)[] route = [("http_route", "/v1beta/models/{model}"), ("http_request_method", "POST"), ("http_response_status_code", "200")];
        var text = "";
        PrometheusText? metrics = null;
        for (var i = 0; i < 50 && metrics?.Value("http_server_request_duration_seconds_count", route) != 1; i++)
        {
            await Task.Delay(i == 0 ? 0 : 100);
            text = await fixture.Server.Client.GetStringAsync("/metrics");
            metrics = PrometheusText.Parse(text);
        }

        Assert.Equal(1, metrics!.Value("http_server_request_duration_seconds_count", route));
        Assert.Equal("histogram", metrics.Types["http_server_request_duration_seconds"]);
        Assert.Equal(45, metrics.Value("nanogate_credits_charged_total", ("dialect", "gemini"), ("model", "gemini-3.1-flash-lite-image")));
        Assert.Equal("counter", metrics.Types["nanogate_credits_charged_total"]);
        // The runtime's and the HttpClient's series are there too (the upstream call went out through HttpClient).
        Assert.Contains(metrics.Samples, s => s.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains(metrics.Samples, s => s.Name == "http_client_request_duration_seconds_count" && s.Value >= 1);
        // Outbound series keep only bounded tags: no target host (webhook receivers and image URLs are the callers').
        Assert.DoesNotContain(metrics.Samples, s => s.Name.StartsWith("http_client_", StringComparison.Ordinal) && s.Labels.ContainsKey("server_address"));
        Assert.DoesNotContain(account.Key, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Openapi_document_lists_the_routes()
    {
        var doc = (await fixture.Server.Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var paths = doc["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/v1/models", paths);
        Assert.Contains("/v1beta/models/{model}", paths);
    }
}
