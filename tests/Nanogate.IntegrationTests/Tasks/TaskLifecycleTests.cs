using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Tasks;

public sealed class TaskLifecycleTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private NanogateServer Server => fixture.Server;

    [Fact]
    public async Task Two_16_9_lite_images_succeed_with_downloadable_links_and_90_charged()
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "a lighthouse at dusk", size = "16:9", n = 2 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await TaskApi.JsonAsync(response);
        var taskId = accepted["task_id"]!.GetValue<string>();
        Assert.StartsWith("task_", taskId, StringComparison.Ordinal);
        Assert.Equal($"/v1/tasks/{taskId}", response.Headers.Location!.OriginalString);
        Assert.Equal("pending", accepted["status"]!.GetValue<string>());
        Assert.Equal($"/v1/tasks/{taskId}", accepted["poll_url"]!.GetValue<string>());
        Assert.StartsWith("req_", accepted["request_id"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("gemini-3.1-flash-lite-image", accepted["model"]!.GetValue<string>());
        Assert.Equal(2, accepted["n"]!.GetValue<int>());
        Assert.Equal(90, accepted["credits"]!["reserved"]!.GetValue<int>());
        Assert.Empty(accepted["warnings"]!.AsArray());

        var task = await TaskApi.WaitForEndAsync(client, taskId);
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        Assert.Equal("16:9", task["request"]!["aspect_ratio"]!.GetValue<string>());
        Assert.Equal("1K", task["request"]!["resolution"]!.GetValue<string>());
        Assert.Equal(2, task["request"]!["n"]!.GetValue<int>());
        Assert.NotNull(task["created_at"]);
        Assert.NotNull(task["started_at"]);
        Assert.NotNull(task["completed_at"]);
        Assert.Null(task["error"]);
        Assert.Equal(90, task["credits"]!["reserved"]!.GetValue<int>());
        Assert.Equal(90, task["credits"]!["charged"]!.GetValue<int>());
        Assert.Equal(0, task["credits"]!["refunded"]!.GetValue<int>());
        Assert.True(task["usage"]!["image_tokens"]!.GetValue<long>() > 0);
        var images = task["images"]!.AsArray();
        Assert.Equal(2, images.Count);
        using var anonymous = new HttpClient();
        foreach (var image in images)
        {
            Assert.Equal("succeeded", image!["status"]!.GetValue<string>());
            Assert.Equal("image/png", image["mime_type"]!.GetValue<string>());
            Assert.Equal(1376, image["width"]!.GetValue<int>());
            Assert.Equal(768, image["height"]!.GetValue<int>());
            Assert.NotNull(image["expires_at"]);
            var url = image["url"]!.GetValue<string>();
            Assert.StartsWith(Server.BaseAddress.ToString().TrimEnd('/') + "/v1/media/med_", url, StringComparison.Ordinal);
            var media = await anonymous.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, media.StatusCode);
            Assert.Equal("image/png", media.Content.Headers.ContentType!.MediaType);
            Assert.Equal((1376, 768), Png.Size(await media.Content.ReadAsByteArrayAsync()));
        }

        var balance = await account.BalanceAsync();
        Assert.Equal(910, balance.Available);
        Assert.Equal(90, balance.Charged);
        Assert.Equal(0, balance.Reserved);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Size_in_pixels_is_mapped_and_reported_in_warnings()
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var response = await TaskApi.SubmitAsync(client, new { model = "gemini-3-1-flash-lite-image", prompt = "a bridge", size = "1920x1080", resolution = "2k" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await TaskApi.JsonAsync(response);
        var warnings = accepted["warnings"]!.AsArray().Select(w => w!.GetValue<string>()).ToList();
        Assert.Contains("size 1920x1080 mapped to 16:9 (1376x768)", warnings);
        Assert.Contains(warnings, w => w.Contains("using 1K", StringComparison.Ordinal));
        var task = await TaskApi.WaitForEndAsync(client, accepted["task_id"]!.GetValue<string>());
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        Assert.Equal(2, task["warnings"]!.AsArray().Count);
    }

    [Fact]
    public async Task Blocked_prompt_fails_with_the_image_error_and_a_full_refund()
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var accepted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "something [sim:blocked]", n = 2 }));
        var task = await TaskApi.WaitForEndAsync(client, accepted["task_id"]!.GetValue<string>());
        Assert.Equal("failed", task["status"]!.GetValue<string>());
        Assert.Equal("content_blocked", task["error"]!["code"]!.GetValue<string>());
        foreach (var image in task["images"]!.AsArray())
        {
            Assert.Equal("failed", image!["status"]!.GetValue<string>());
            Assert.Equal("content_blocked", image["error"]!["code"]!.GetValue<string>());
            Assert.Null(image["url"]);
        }

        Assert.Equal(90, task["credits"]!["reserved"]!.GetValue<int>());
        Assert.Equal(0, task["credits"]!["charged"]!.GetValue<int>());
        Assert.Equal(90, task["credits"]!["refunded"]!.GetValue<int>());
        Assert.Equal(1000, (await account.BalanceAsync()).Available);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Not_enough_credits_is_402_and_creates_nothing()
    {
        var account = await Server.CreateAccountAsync(100);
        using var client = account.Client();
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "a cat", n = 3 });
        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        var error = await TaskApi.JsonAsync(response);
        Assert.Equal("insufficient_credits", error["error"]!["code"]!.GetValue<string>());
        var message = error["error"]!["message"]!.GetValue<string>();
        Assert.Contains("135", message, StringComparison.Ordinal);
        Assert.Contains("100", message, StringComparison.Ordinal);
        var list = await TaskApi.JsonAsync(await client.GetAsync("/v1/tasks"));
        Assert.Empty(list["data"]!.AsArray());
        var balance = await account.BalanceAsync();
        Assert.Equal(100, balance.Available);
        Assert.Equal(0, balance.Reserved);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Theory]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","n":"2"}""", 400, "invalid_request")]
    [InlineData("""{"model":"dall-e-3","prompt":"a"}""", 404, "model_not_found")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","mask_url":"https://x.example/m.png"}""", 400, "invalid_request")]
    [InlineData("""[1,2]""", 400, "invalid_request")]
    [InlineData("""{"model":""", 400, "invalid_request")]
    public async Task Invalid_submissions_answer_the_error_shape(string body, int status, string code)
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var response = await client.PostAsync("/v1/images/generations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(status, (int)response.StatusCode);
        Assert.True(response.Headers.Contains("x-request-id"));
        var error = await TaskApi.JsonAsync(response);
        Assert.Equal(code, error["error"]!["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(error["error"]!["message"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":5}""", "prompt must be a string, not a number.")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","google_search":1}""", "google_search must be a boolean (true or false), not a number.")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","google_search":0.5}""", "google_search must be a boolean (true or false), not a fraction.")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","n":"2"}""", "n must be a plain number such as 2, not a string in quotes (\"2\").")]
    public async Task A_wrongly_typed_field_is_named_with_what_it_was(string body, string message)
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var response = await client.PostAsync("/v1/images/generations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await TaskApi.JsonAsync(response);
        Assert.Equal(message, error["error"]!["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("callback_url", "http://127.0.0.1:9/x", "callback_url cannot be notified: Port 9 is not allowed; use the default ports 80 (http) or 443 (https).")]
    [InlineData("callback_url", "http://127.0.0.1/x", "callback_url cannot be notified: The URL points to 127.0.0.1, a loopback address; only public internet addresses are allowed.")]
    [InlineData("callback_url", "http://169.254.169.254/latest/meta-data/", "callback_url cannot be notified: The URL points to 169.254.169.254, a link-local address (169.254.0.0/16, which holds cloud metadata endpoints); only public internet addresses are allowed.")]
    [InlineData("webhook", "http://10.1.2.3", "webhook cannot be notified: The URL points to 10.1.2.3, a private network address (10.0.0.0/8); only public internet addresses are allowed.")]
    public async Task A_notification_url_the_egress_rules_refuse_is_a_400_at_submit_and_nothing_is_held(string field, string url, string message)
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var body = new System.Text.Json.Nodes.JsonObject { ["model"] = "nano-banana-2-lite", ["prompt"] = "a kite", [field] = url };
        var response = await client.PostAsync("/v1/images/generations", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await TaskApi.JsonAsync(response))["error"]!;
        Assert.Equal(message, error["message"]!.GetValue<string>());
        Assert.Equal(field, error["param"]!.GetValue<string>());
        var me = await TaskApi.JsonAsync(await client.GetAsync("/v1/account"));
        Assert.Equal(1000, me["credits"]!["available"]!.GetValue<long>());
        Assert.Empty((await TaskApi.JsonAsync(await client.GetAsync("/v1/tasks")))["data"]!.AsArray());

        // A host name is checked at delivery, against what it resolves to then: accepted here.
        body[field] = "https://hooks.example.com/nanogate";
        using var accepted = await client.PostAsync("/v1/images/generations", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    [Fact]
    public async Task Missing_or_wrong_key_is_401()
    {
        var response = await Server.Client.PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var bad = new HttpClient { BaseAddress = Server.BaseAddress };
        bad.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync("/v1/tasks")).StatusCode);
    }

    [Fact]
    public async Task Another_accounts_task_is_404_and_not_listed()
    {
        var owner = await Server.CreateAccountAsync(1000, "owner");
        var other = await Server.CreateAccountAsync(1000, "other");
        using var ownerClient = owner.Client();
        using var otherClient = other.Client();
        var accepted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(ownerClient, new { model = "nano-banana-2-lite", prompt = "mine" }));
        var taskId = accepted["task_id"]!.GetValue<string>();
        await TaskApi.WaitForEndAsync(ownerClient, taskId);

        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.GetAsync($"/v1/tasks/{taskId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await otherClient.PostAsync($"/v1/tasks/{taskId}/cancel", null)).StatusCode);
        var list = await TaskApi.JsonAsync(await otherClient.GetAsync("/v1/tasks"));
        Assert.Empty(list["data"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await otherClient.GetAsync($"/v1/tasks?after={taskId}")).StatusCode);
    }

    [Fact]
    public async Task Listing_is_newest_first_with_a_cursor_and_a_status_filter()
    {
        var account = await Server.CreateAccountAsync(10_000);
        using var client = account.Client();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var accepted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"picture {i}" }));
            ids.Add(accepted["task_id"]!.GetValue<string>());
        }

        foreach (var id in ids)
        {
            await TaskApi.WaitForEndAsync(client, id);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await TaskApi.JsonAsync(await client.GetAsync("/v1/tasks?limit=2" + (cursor is null ? "" : "&after=" + cursor)));
            Assert.Equal("list", page["object"]!.GetValue<string>());
            seen.AddRange(page["data"]!.AsArray().Select(t => t!["task_id"]!.GetValue<string>()));
            cursor = page["has_more"]!.GetValue<bool>() ? page["next_cursor"]!.GetValue<string>() : null;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(ids).ToList(), seen);
        var succeeded = await TaskApi.JsonAsync(await client.GetAsync("/v1/tasks?status=succeeded&limit=100"));
        Assert.Equal(5, succeeded["data"]!.AsArray().Count);
        var failed = await TaskApi.JsonAsync(await client.GetAsync("/v1/tasks?status=failed"));
        Assert.Empty(failed["data"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/v1/tasks?status=done")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/v1/tasks?limit=0")).StatusCode);
    }

    [Fact]
    public async Task Prefer_wait_answers_200_with_the_finished_task()
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "a fox", aspect_ratio = "1:1" },
            r => r.Headers.Add("Prefer", "wait=30"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("wait=30", response.Headers.GetValues("Preference-Applied").Single());
        var task = await TaskApi.JsonAsync(response);
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        Assert.Equal(1024, task["images"]![0]!["width"]!.GetValue<int>());
    }

    [Fact]
    public async Task Prefer_wait_that_runs_out_answers_202()
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "slow one [sim:slow:3000]" },
            r => r.Headers.Add("Prefer", "wait=1"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("wait=1", response.Headers.GetValues("Preference-Applied").Single());
        var accepted = await TaskApi.JsonAsync(response);
        Assert.Equal("pending", accepted["status"]!.GetValue<string>());
        await TaskApi.WaitForEndAsync(client, accepted["task_id"]!.GetValue<string>());
    }
}
