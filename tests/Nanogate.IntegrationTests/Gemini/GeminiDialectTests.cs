using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Gemini;

public class GeminiDialectTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private NanogateServer Server => fixture.Server;

    internal static JsonObject Body(string prompt, string? ratio = null, string? size = null, string[]? modalities = null) =>
        new()
        {
            ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = prompt }) }),
            ["generationConfig"] = new JsonObject
            {
                ["responseModalities"] = new JsonArray((modalities ?? ["TEXT", "IMAGE"]).Select(m => (JsonNode)m!).ToArray()),
                ["imageConfig"] = new JsonObject { ["aspectRatio"] = ratio, ["imageSize"] = size },
            },
        };

    internal static async Task<JsonObject> ErrorOf(HttpResponseMessage response, int code, string status)
    {
        Assert.Equal(code, (int)response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(code, body["error"]!["code"]!.GetValue<int>());
        Assert.Equal(status, body["error"]!["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["error"]!["message"]!.GetValue<string>()));
        return body;
    }

    internal static byte[] FinalImage(JsonObject response)
    {
        var parts = response["candidates"]![0]!["content"]!["parts"]!.AsArray();
        var image = parts.Last(p => p!["inlineData"] is not null && p["thought"]?.GetValue<bool>() != true)!;
        return Convert.FromBase64String(image["inlineData"]!["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Lite_16_9_returns_a_1376x768_png_and_charges_exactly_the_settled_amount()
    {
        var account = await Server.CreateAccountAsync(10_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Body("a lighthouse at dusk", "16:9"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("simulator", response.Headers.GetValues("x-nanogate-upstream").Single());
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((1376, 768), Png.Size(FinalImage(json)));
        Assert.Equal(1120, json["usageMetadata"]!["candidatesTokensDetails"]![0]!["tokenCount"]!.GetValue<int>());

        // A streamed answer has no room for its charge in the headers (sent before the usage at its end arrives):
        // the ledger has it, as does the trailer for callers that ask (GeminiPassthroughTests).
        Assert.False(response.Headers.Contains("x-nanogate-credits-charged"));
        var charged = (await account.BalanceAsync()).Charged;
        Assert.Equal(45, charged);
        var balance = await account.BalanceAsync();
        Assert.Equal(10_000 - charged, balance.Available);
        Assert.Equal(0, balance.Reserved);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Theory]
    [InlineData("x-goog-api-key")]
    [InlineData("query")]
    [InlineData("bearer")]
    public async Task Every_documented_way_of_passing_the_key_works(string how)
    {
        var account = await Server.CreateAccountAsync(1_000);
        var url = "/v1beta/models/gemini-3.1-flash-lite-image:generateContent" + (how == "query" ? "?key=" + account.Key : "");
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(Body("a cat")) };
        if (how == "x-goog-api-key")
        {
            request.Headers.Add("x-goog-api-key", account.Key);
        }
        else if (how == "bearer")
        {
            request.Headers.Add("Authorization", "Bearer " + account.Key);
        }

        var response = await Server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Missing_unknown_and_revoked_keys_get_401_in_googles_shape()
    {
        var missing = await Server.Client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Body("x"));
        Assert.Contains("Missing API key", (await ErrorOf(missing, 401, "UNAUTHENTICATED"))["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        using var unknown = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/nano-banana-2-lite:generateContent") { Content = JsonContent.Create(Body("x")) };
        unknown.Headers.Add("x-goog-api-key", "sk-not-a-real-key");
        await ErrorOf(await Server.Client.SendAsync(unknown), 401, "UNAUTHENTICATED");

        var account = await Server.CreateAccountAsync(1_000);
        var revoke = await Server.Admin.DeleteAsync($"/admin/v1/keys/{account.KeyId}");
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        using var client = account.Client();
        await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Body("x")), 401, "UNAUTHENTICATED");
    }

    [Fact]
    public async Task Unknown_model_is_404_not_found()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var body = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/imagen-9:generateContent", Body("x")), 404, "NOT_FOUND");
        Assert.Contains("imagen-9", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task Bad_ratio_is_400_naming_the_allowed_values()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var body = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Body("x", "7:3")), 400, "INVALID_ARGUMENT");
        var message = body["error"]!["message"]!.GetValue<string>();
        Assert.Contains("7:3", message, StringComparison.Ordinal);
        Assert.Contains("1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9, 21:9, 1:4, 4:1, 1:8, 8:1", message, StringComparison.Ordinal);

        // Pro lacks the extreme ratios that Nano Banana 2 (and, per seed 003, Lite) has.
        await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-pro:generateContent", Body("x", "1:8")), 400, "INVALID_ARGUMENT");
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Theory]
    [InlineData("2K")]
    [InlineData("4K")]
    [InlineData("512")]
    public async Task Lite_sizes_other_than_1K_become_1K_and_are_reported(string size)
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Body("x", "1:1", size));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"imageSize {size}->1K", response.Headers.GetValues("x-nanogate-adjustments").Single(), StringComparison.Ordinal);
        Assert.Equal((1024, 1024), Png.Size(FinalImage((await response.Content.ReadFromJsonAsync<JsonObject>())!)));
    }

    [Fact]
    public async Task Image_size_spellings_of_the_seeds_become_googles_and_are_reported()
    {
        var account = await Server.CreateAccountAsync(10_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2:generateContent", Body("x", "1:1", "0.5k"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("imageSize 0.5k->512 (Google's spelling)", response.Headers.GetValues("x-nanogate-adjustments").Single());
        var body = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2:generateContent", Body("x", "1:1", "8K")), 400, "INVALID_ARGUMENT");
        Assert.Contains("8K", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_than_one_candidate_is_refused_as_google_refuses_it_before_any_charge()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var request = Body("x", "1:1");
        request["generationConfig"]!["candidateCount"] = 2;
        var body = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", request), 400, "INVALID_ARGUMENT");
        Assert.Contains("Multiple candidates is not enabled", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task A_prompt_past_the_input_limit_is_400_before_any_charge()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var body = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Body(new string('a', (65_536 * 4) + 1), "1:1")), 400, "INVALID_ARGUMENT");
        Assert.Contains("65,536", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task Google_search_is_dropped_on_lite_and_reported()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var body = Body("today's weather as a poster", "1:1");
        body["tools"] = new JsonArray(new JsonObject { ["google_search"] = new JsonObject() });
        var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("tools.googleSearch removed", response.Headers.GetValues("x-nanogate-adjustments").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snake_case_and_lower_case_enums_are_accepted()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var json = """
            {"contents":[{"role":"USER","parts":[{"text":"a snake"},{"inline_data":{"mime_type":"image/png","data":"PNGDATA"}}]}],
             "generation_config":{"response_modalities":["image"],"image_config":{"aspect_ratio":"3:4"},"thinking_config":{"thinking_level":"high","include_thoughts":false}}}
            """.Replace("PNGDATA", Convert.ToBase64String(TestImages.Png(40, 30)), StringComparison.Ordinal);
        var response = await client.PostAsync("/v1beta/models/gemini-3.1-flash-lite-image:generateContent", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((896, 1200), Png.Size(FinalImage((await response.Content.ReadFromJsonAsync<JsonObject>())!)));
    }

    [Fact]
    public async Task Inline_images_must_really_be_images_and_within_limits()
    {
        var account = await Server.CreateAccountAsync(100_000);
        using var client = account.Client();

        JsonObject WithImages(string model, params (string Mime, string Data)[] images)
        {
            var parts = new JsonArray(new JsonObject { ["text"] = "edit this" });
            foreach (var (mime, data) in images)
            {
                parts.Add(new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = mime, ["data"] = data } });
            }

            return new JsonObject { ["contents"] = new JsonArray(new JsonObject { ["parts"] = parts }) };
        }

        var png = Convert.ToBase64String(TestImages.Png(8, 8));
        var ok = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", WithImages("lite", ("image/png", png)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        var notImage = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent",
            WithImages("lite", ("image/png", Convert.ToBase64String(Encoding.UTF8.GetBytes("definitely not a png"))))), 400, "INVALID_ARGUMENT");
        Assert.Contains("not a JPEG, PNG or WebP", notImage["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var badBase64 = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", WithImages("lite", ("image/png", "@@@not base64@@@"))), 400, "INVALID_ARGUMENT");
        Assert.Contains("base64", badBase64["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var huge = Convert.ToBase64String(TestImages.PngPadded(11 * 1024 * 1024));
        var tooBig = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", WithImages("lite", ("image/png", huge))), 400, "INVALID_ARGUMENT");
        Assert.Contains("10 MB", tooBig["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var four = Enumerable.Repeat(("image/png", png), 4).ToArray();
        var tooMany = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana:generateContent", WithImages("2.5", four)), 400, "INVALID_ARGUMENT");
        Assert.Contains("at most 3", tooMany["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var fifteen = Enumerable.Repeat(("image/png", png), 15).ToArray();
        await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", WithImages("lite", fifteen)), 400, "INVALID_ARGUMENT");
    }

    [Fact]
    public async Task File_data_parts_count_as_input_images()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var parts = new JsonArray(new JsonObject { ["text"] = "merge" });
        for (var i = 0; i < 4; i++)
        {
            parts.Add(new JsonObject { ["file_data"] = new JsonObject { ["mime_type"] = "image/png", ["file_uri"] = $"https://generativelanguage.googleapis.com/v1beta/files/f{i}" } });
        }

        var body = new JsonObject { ["contents"] = new JsonArray(new JsonObject { ["parts"] = parts }) };
        var tooMany = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana:generateContent", body), 400, "INVALID_ARGUMENT");
        Assert.Contains("at most 3", tooMany["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Theory]
    [InlineData("{not json", "Invalid JSON")]
    [InlineData("[1,2,3]", "JSON object")]
    [InlineData("{\"contents\":\"draw a cat\"}", "contents")]
    [InlineData("{\"contents\":[]}", "contents")]
    [InlineData("{}", "contents is not specified")]
    [InlineData("{\"contents\":[{\"parts\":[{\"text\":42}]}]}", "text must be a string")]
    [InlineData("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"generationConfig\":{\"imageConfig\":{\"aspectRatio\":16}}}", "aspectRatio must be a string")]
    [InlineData("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"generationConfig\":\"fast\"}", "generationConfig must be an object")]
    [InlineData("{\"contents\":[{\"parts\":[{\"text\":\"x\"}]}],\"generationConfig\":{\"responseModalities\":[\"VIDEO\"]}}", "VIDEO")]
    [InlineData("{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/gif\",\"data\":\"R0lGODlh\"}}]}]}", "image/gif")]
    public async Task Malformed_bodies_get_400_with_a_message(string json, string expected)
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsync("/v1beta/models/nano-banana-2-lite:generateContent", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await ErrorOf(response, 400, "INVALID_ARGUMENT");
        Assert.Contains(expected, body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task An_account_below_the_worst_case_but_above_the_expected_cost_gets_its_image()
    {
        // Nano Banana 2's worst case is its whole 32,768-token output (1,966 credits); a 1K image is 67.
        var account = await Server.CreateAccountAsync(100);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2:generateContent", Body("x", "1:1", "1K", ["IMAGE"]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsByteArrayAsync();
        var charged = (await account.BalanceAsync()).Charged;
        Assert.InRange(charged, 67, 68);
        var balance = await account.BalanceAsync();
        Assert.Equal(100 - charged, balance.Available);
        Assert.Equal(0, balance.Reserved);

        // Below the expected cost it is still a 402 that says what one image is expected to cost.
        var poor = await Server.CreateAccountAsync(60);
        using var poorClient = poor.Client();
        var body = await ErrorOf(await poorClient.PostAsJsonAsync("/v1beta/models/nano-banana-2:generateContent", Body("x", "1:1", "1K", ["IMAGE"])), 402, "FAILED_PRECONDITION");
        Assert.Contains("expected to cost 68 credits", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Insufficient_credits_is_402_failed_precondition_and_holds_nothing()
    {
        var account = await Server.CreateAccountAsync(10);
        using var client = account.Client();
        var body = await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Body("x")), 402, "FAILED_PRECONDITION");
        Assert.Contains("Insufficient credits", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var balance = await account.BalanceAsync();
        Assert.Equal(10, balance.Available);
        Assert.Equal(0, balance.Reserved);
    }

    [Fact]
    public async Task Unknown_method_is_404()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        await ErrorOf(await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:embedContent", Body("x")), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task V1_paths_work_like_v1beta()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/v1/models/gemini-3.1-flash-lite-image:generateContent", Body("x", "9:16"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((768, 1376), Png.Size(FinalImage((await response.Content.ReadFromJsonAsync<JsonObject>())!)));
    }

    [Fact]
    public async Task Models_are_listed_and_fetched_in_googles_shape()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var list = (await client.GetFromJsonAsync<JsonObject>("/v1beta/models"))!;
        var names = list["models"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("models/gemini-3.1-flash-lite-image", names);
        Assert.Equal(4, names.Count);

        var page = (await client.GetFromJsonAsync<JsonObject>("/v1beta/models?pageSize=3"))!;
        Assert.Equal(3, page["models"]!.AsArray().Count);
        var next = (await client.GetFromJsonAsync<JsonObject>($"/v1beta/models?pageSize=3&pageToken={page["nextPageToken"]}"))!;
        Assert.Single(next["models"]!.AsArray());

        var one = (await client.GetFromJsonAsync<JsonObject>("/v1beta/models/nano-banana-2-lite"))!;
        Assert.Equal("models/gemini-3.1-flash-lite-image", one["name"]!.GetValue<string>());
        Assert.Equal(65_536, one["inputTokenLimit"]!.GetValue<int>());

        Assert.Equal(HttpStatusCode.Unauthorized, (await Server.Client.GetAsync("/v1beta/models")).StatusCode);
    }
}
