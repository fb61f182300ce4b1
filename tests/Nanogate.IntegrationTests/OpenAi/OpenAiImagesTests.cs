using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Nanogate.Core.Catalog;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.OpenAi;

public class OpenAiImagesTests(OpenAiServerFixture fixture) : IClassFixture<OpenAiServerFixture>
{
    private const string Generations = "/openai/v1/images/generations";
    private const string Edits = "/openai/v1/images/edits";

    private NanogateServer Server => fixture.Server;

    internal static async Task<JsonObject> ErrorOf(HttpResponseMessage response, int status, string type, string? code)
    {
        Assert.Equal(status, (int)response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var error = body["error"]!.AsObject();
        Assert.Equal(type, error["type"]!.GetValue<string>());
        Assert.Equal(code, error["code"]?.GetValue<string>());
        Assert.True(error.ContainsKey("param"), "OpenAI errors always carry param");
        Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        return body;
    }

    private static byte[] B64(JsonObject response, int index) => Convert.FromBase64String(response["data"]![index]!["b64_json"]!.GetValue<string>());

    [Theory]
    [InlineData("1024x1024", 1, 1)]
    [InlineData("1536x1024", 3, 2)]
    [InlineData("1024x1536", 2, 3)]
    [InlineData("auto", 1, 1)]
    [InlineData("16:9", 16, 9)]
    [InlineData("1920x1080", 16, 9)]
    public async Task Size_picks_the_nearest_ratio_and_b64_json_carries_a_png_of_that_ratio(string size, int w, int h)
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync(Generations, new { model = "nano-banana-2-lite", prompt = "a lighthouse", size, response_format = "b64_json" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var expected = ModelCatalog.Default.Find("nano-banana-2-lite")!.PixelsFor(new AspectRatio(w, h), ImageSize.Size1K);
        Assert.Equal((expected.Width, expected.Height), Png.Size(B64(json, 0)));
        Assert.Equal($"{expected.Width}x{expected.Height}", json["size"]!.GetValue<string>());
        Assert.True(json["created"]!.GetValue<long>() > 1_700_000_000);
        Assert.False(string.IsNullOrWhiteSpace(json["data"]![0]!["revised_prompt"]!.GetValue<string>()));
        Assert.Null(json["data"]![0]!["url"]);
    }

    [Fact]
    public async Task N_images_are_made_and_charged_per_image_with_usage_summed()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync(Generations, new { model = "gemini-3.1-flash-lite-image", prompt = "three cats", n = 3 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(3, json["data"]!.AsArray().Count);
        var price = ModelCatalog.Default.Find("nano-banana-2-lite")!.PriceFor(ImageSize.Size1K);
        Assert.Equal((3 * price).ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("x-nanogate-credits-charged").Single());
        var usage = json["usage"]!;
        Assert.True(usage["output_tokens"]!.GetValue<long>() >= 3 * 1120);
        Assert.Equal(usage["input_tokens"]!.GetValue<long>() + usage["output_tokens"]!.GetValue<long>(), usage["total_tokens"]!.GetValue<long>());
        var balance = await account.BalanceAsync();
        Assert.Equal(1_000 - (3 * price), balance.Available);
        Assert.Equal(0, balance.Reserved);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Url_format_answers_a_signed_media_link_that_downloads_the_png()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync(Generations, new { model = "nano-banana-2-lite", prompt = "a harbour", size = "1536x1024", response_format = "url" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var url = json["data"]![0]!["url"]!.GetValue<string>();
        Assert.Null(json["data"]![0]!["b64_json"]);
        Assert.Contains("/v1/media/", url, StringComparison.Ordinal);
        Assert.Contains("sig=", url, StringComparison.Ordinal);

        var image = await Server.Client.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType!.MediaType);
        var expected = ModelCatalog.Default.Find("nano-banana-2-lite")!.PixelsFor(new AspectRatio(3, 2), ImageSize.Size1K);
        Assert.Equal((expected.Width, expected.Height), Png.Size(await image.Content.ReadAsByteArrayAsync()));
    }

    [Theory]
    [InlineData("low", "512", "low")]
    [InlineData("medium", "1K", "medium")]
    [InlineData("auto", "1K", "medium")]
    [InlineData("high", "2K", "high")]
    public async Task Quality_picks_the_resolution_tier(string quality, string tier, string reported)
    {
        var account = await Server.CreateAccountAsync(10_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync(Generations, new { model = "nano-banana-2", prompt = "a map", size = "1024x1024", quality });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(ImageSizes.TryParseWire(tier, out var size));
        var model = ModelCatalog.Default.Find("nano-banana-2")!;
        var expected = model.PixelsFor(new AspectRatio(1, 1), size);
        Assert.Equal((expected.Width, expected.Height), Png.Size(B64(json, 0)));
        Assert.Equal(reported, json["quality"]!.GetValue<string>());
        Assert.Equal(model.PriceFor(size).ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("x-nanogate-credits-charged").Single());
    }

    [Fact]
    public async Task Lite_renders_high_quality_at_1K_and_says_so()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync(Generations, new { model = "nano-banana-2-lite", prompt = "a map", quality = "high" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("quality high->1K", response.Headers.GetValues("x-nanogate-adjustments").Single(), StringComparison.Ordinal);
        Assert.Equal((1024, 1024), Png.Size(B64((await response.Content.ReadFromJsonAsync<JsonObject>())!, 0)));
    }

    [Fact]
    public async Task Missing_and_unknown_keys_are_401_invalid_api_key_and_only_bearer_counts()
    {
        await ErrorOf(await Server.Client.PostAsJsonAsync(Generations, new { prompt = "x" }), 401, "invalid_request_error", "invalid_api_key");

        using var bad = new HttpRequestMessage(HttpMethod.Post, Generations) { Content = JsonContent.Create(new { prompt = "x" }) };
        bad.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-not-a-key");
        await ErrorOf(await Server.Client.SendAsync(bad), 401, "invalid_request_error", "invalid_api_key");

        var account = await Server.CreateAccountAsync(1_000);
        using var goog = new HttpRequestMessage(HttpMethod.Post, Generations) { Content = JsonContent.Create(new { prompt = "x" }) };
        goog.Headers.Add("x-goog-api-key", account.Key);
        await ErrorOf(await Server.Client.SendAsync(goog), 401, "invalid_request_error", "invalid_api_key");
        await ErrorOf(await Server.Client.GetAsync("/openai/v1/models"), 401, "invalid_request_error", "invalid_api_key");
    }

    [Fact]
    public async Task Unknown_model_is_404_model_not_found_and_charges_nothing()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var body = await ErrorOf(await client.PostAsJsonAsync(Generations, new { model = "dall-e-3", prompt = "x" }), 404, "invalid_request_error", "model_not_found");
        Assert.Contains("dall-e-3", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("model", body["error"]!["param"]!.GetValue<string>());
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Theory]
    [InlineData("{\"model\":\"nano-banana-2-lite\"}", "prompt")]
    [InlineData("{\"prompt\":\"\"}", "prompt")]
    [InlineData("{\"prompt\":\"x\",\"n\":\"2\"}", "n")]
    [InlineData("{\"prompt\":\"x\",\"n\":0}", "n")]
    [InlineData("{\"prompt\":\"x\",\"n\":5}", "n")]
    [InlineData("{\"prompt\":\"x\",\"size\":\"big\"}", "size")]
    [InlineData("{\"prompt\":\"x\",\"quality\":\"ultra\"}", "quality")]
    [InlineData("{\"prompt\":\"x\",\"response_format\":\"jpeg\"}", "response_format")]
    [InlineData("{\"prompt\":\"x\",\"stream\":true}", "stream")]
    [InlineData("{\"prompt\":42}", "prompt")]
    public async Task Bad_parameters_are_400_naming_the_param(string json, string param)
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsync(Generations, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("invalid_request_error", body["error"]!["type"]!.GetValue<string>());
        Assert.Equal(param, body["error"]!["param"]!.GetValue<string>());
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task Invalid_json_is_400_in_openai_shape()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        await ErrorOf(await client.PostAsync(Generations, new StringContent("{nope", Encoding.UTF8, "application/json")), 400, "invalid_request_error", null);
    }

    [Fact]
    public async Task Short_balance_is_429_insufficient_quota_that_the_sdks_do_not_retry()
    {
        var account = await Server.CreateAccountAsync(50);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync(Generations, new { model = "nano-banana-2-lite", prompt = "x", n = 2 });
        var body = await ErrorOf(response, 429, "insufficient_quota", "insufficient_quota");
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        Assert.Contains("50 available", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(50, (await account.BalanceAsync()).Available);
    }

    [Theory]
    [InlineData("[sim:blocked]", 400, "invalid_request_error", "content_policy_violation")]
    [InlineData("[sim:429]", 429, "requests", "rate_limit_exceeded")]
    [InlineData("[sim:503]", 503, "server_error", "upstream_unavailable")]
    [InlineData("[sim:noimage]", 502, "server_error", "no_image")]
    public async Task Upstream_failures_map_to_openai_errors_and_charge_nothing(string marker, int status, string type, string code)
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        await ErrorOf(await client.PostAsJsonAsync(Generations, new { model = "nano-banana-2-lite", prompt = "a cat " + marker, n = 2 }), status, type, code);
        var balance = await account.BalanceAsync();
        Assert.Equal(1_000, balance.Available);
        Assert.Equal(0, balance.Reserved);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Models_list_and_get_in_openai_shape()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var list = (await client.GetFromJsonAsync<JsonObject>("/openai/v1/models"))!;
        Assert.Equal("list", list["object"]!.GetValue<string>());
        var first = list["data"]![0]!;
        Assert.Equal("gemini-3.1-flash-lite-image", first["id"]!.GetValue<string>());
        Assert.Equal("model", first["object"]!.GetValue<string>());
        Assert.Equal("google", first["owned_by"]!.GetValue<string>());
        Assert.True(first["created"]!.GetValue<long>() > 0);

        var one = (await client.GetFromJsonAsync<JsonObject>("/openai/v1/models/nano-banana-2-lite"))!;
        Assert.Equal("gemini-3.1-flash-lite-image", one["id"]!.GetValue<string>());
        await ErrorOf(await client.GetAsync("/openai/v1/models/dall-e-2"), 404, "invalid_request_error", "model_not_found");
    }

    [Fact]
    public async Task Edit_with_a_png_renders_at_the_input_images_ratio()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("nano-banana-2-lite"), "model" },
            { new StringContent("make it night"), "prompt" },
            { PngPart(TestImages.Png(64, 48)), "image", "in.png" },
        };
        var response = await client.PostAsync(Edits, form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var expected = ModelCatalog.Default.Find("nano-banana-2-lite")!.PixelsFor(new AspectRatio(4, 3), ImageSize.Size1K);
        Assert.Equal((expected.Width, expected.Height), Png.Size(B64((await response.Content.ReadFromJsonAsync<JsonObject>())!, 0)));
    }

    [Fact]
    public async Task Edit_takes_several_images_as_image_array_with_n_size_and_url()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("combine them"), "prompt" },
            { new StringContent("2"), "n" },
            { new StringContent("1024x1536"), "size" },
            { new StringContent("url"), "response_format" },
            { PngPart(TestImages.Png(8, 8)), "image[]", "a.png" },
            { PngPart(TestImages.Png(16, 8)), "image[]", "b.png" },
        };
        var response = await client.PostAsync(Edits, form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(2, json["data"]!.AsArray().Count);
        var image = await Server.Client.GetByteArrayAsync(new Uri(json["data"]![1]!["url"]!.GetValue<string>()));
        var expected = ModelCatalog.Default.Find("nano-banana-2-lite")!.PixelsFor(new AspectRatio(2, 3), ImageSize.Size1K);
        Assert.Equal((expected.Width, expected.Height), Png.Size(image));
    }

    [Fact]
    public async Task Edit_inputs_are_checked_with_clear_400s()
    {
        var account = await Server.CreateAccountAsync(100_000);
        using var client = account.Client();

        async Task<string> Fails(string code, params (HttpContent Content, string Name)[] parts)
        {
            using var form = new MultipartFormDataContent();
            foreach (var (content, name) in parts)
            {
                if (content is ByteArrayContent and not StringContent)
                {
                    form.Add(content, name, name + ".png");
                }
                else
                {
                    form.Add(content, name);
                }
            }

            var body = await ErrorOf(await client.PostAsync(Edits, form), 400, "invalid_request_error", code);
            return body["error"]!["message"]!.GetValue<string>();
        }

        HttpContent Prompt() => new StringContent("edit");
        Assert.Contains("image is required", await Fails("missing_required_parameter", (Prompt(), "prompt")), StringComparison.Ordinal);
        Assert.Contains("not a JPEG, PNG or WebP", await Fails("invalid_image_format", (Prompt(), "prompt"), (PngPart(Encoding.UTF8.GetBytes("not really a png")), "image")), StringComparison.Ordinal);
        Assert.Contains("10 MB", await Fails("image_too_large", (Prompt(), "prompt"), (PngPart(TestImages.PngPadded(11 * 1024 * 1024)), "image")), StringComparison.Ordinal);
        Assert.Contains("mask", await Fails("unsupported_parameter", (Prompt(), "prompt"), (PngPart(TestImages.Png(4, 4)), "image"), (PngPart(TestImages.Png(4, 4)), "mask")), StringComparison.Ordinal);
        var four = Enumerable.Range(0, 4).Select(i => ((HttpContent)PngPart(TestImages.Png(4, 4)), "image[]")).Prepend((new StringContent("nano-banana"), "model")).Prepend((Prompt(), "prompt")).ToArray();
        Assert.Contains("at most 3", await Fails("invalid_value", four), StringComparison.Ordinal);
        Assert.Equal(100_000, (await account.BalanceAsync()).Available);

        var json = await client.PostAsJsonAsync(Edits, new { prompt = "x" });
        await ErrorOf(json, 400, "invalid_request_error", "invalid_content_type");
    }

    [Fact]
    public async Task Unknown_openai_routes_answer_404_in_openai_shape()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        await ErrorOf(await client.GetAsync("/openai/v1/chat/completions"), 404, "invalid_request_error", "unknown_url");
    }

    private static ByteArrayContent PngPart(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }
}
