using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.OpenAi;

/// <summary>Seed 004's synchronous images endpoint: the /sync/v1 prefix and the per-key images_api setting.</summary>
public class SyncImagesTests(OpenAiServerFixture fixture) : IClassFixture<OpenAiServerFixture>
{
    private NanogateServer Server => fixture.Server;

    [Fact]
    public async Task The_sync_prefix_answers_seed_004_fields_with_links_and_reports_every_change()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var png = Convert.ToBase64String(TestSupport.TestImages.Png(30, 40));
        var response = await client.PostAsJsonAsync("/sync/v1/images/generations", new
        {
            model = "nano-banana-2-lite",
            prompt = "a T-Rex",
            aspect_ratio = "16:9",
            resolution = "2K",
            image_urls = new[] { png },
            enable_web_search = true,
            official_fallback = true,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var image = json["data"]![0]!;
        Assert.StartsWith(Server.BaseAddress.ToString(), image["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(image["b64_json"]);
        Assert.Equal(1376, image["width"]!.GetValue<int>());
        string[] expected =
        [
            "official_fallback is not supported by Nanogate and was ignored",
            "resolution 2K is not available for gemini-3.1-flash-lite-image; using 1K",
            "enable_web_search is ignored: gemini-3.1-flash-lite-image does not support search grounding",
        ];
        Assert.Equal(expected, json["warnings"]!.AsArray().Select(w => w!.GetValue<string>()));
        Assert.Equal(string.Join("; ", expected), response.Headers.GetValues("x-nanogate-adjustments").Single());
        Assert.Equal(1_000 - 45, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task A_key_set_to_sync_gets_images_from_the_task_path_and_can_be_set_back()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var patch = await Server.Admin.PatchAsJsonAsync($"/admin/v1/keys/{account.KeyId}", new { images_api = "sync" });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var settings = (await patch.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("sync", settings["images_api"]!.GetValue<string>());
        Assert.Equal("envelope", settings["callback_format"]!.GetValue<string>());

        var sync = await client.PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "x", n = 2, response_format = "b64_json" });
        Assert.Equal(HttpStatusCode.OK, sync.StatusCode);
        var data = (await sync.Content.ReadFromJsonAsync<JsonObject>())!["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        Assert.NotEqual(data[0]!["b64_json"]!.GetValue<string>(), data[1]!["b64_json"]!.GetValue<string>());
        Assert.Equal(1_000 - 90, (await account.BalanceAsync()).Available);

        Assert.Equal(HttpStatusCode.OK, (await Server.Admin.PatchAsJsonAsync($"/admin/v1/keys/{account.KeyId}", new { images_api = "tasks" })).StatusCode);
        var task = await client.PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "x" });
        Assert.Equal(HttpStatusCode.Accepted, task.StatusCode);
    }

    [Theory]
    [InlineData("{\"images_api\":\"async\"}", "images_api")]
    [InlineData("{\"callback_format\":\"xml\"}", "callback_format")]
    [InlineData("{}", "image_delivery")]
    public async Task Bad_key_settings_are_400_naming_the_field(string body, string param)
    {
        var account = await Server.CreateAccountAsync(0);
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await Server.Admin.PatchAsync($"/admin/v1/keys/{account.KeyId}", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["param"]!.GetValue<string>());
    }
}
