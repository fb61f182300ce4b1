using System.Text.Json.Nodes;
using Nanogate.Core.Catalog;
using Nanogate.Tasks;

namespace Nanogate.Tests.Tasks;

public sealed class TaskRequestParserTests
{
    private static readonly TaskRequestParser Parser = new(ModelCatalog.Default, new RefusingFetcher());

    private static async Task<ParsedTaskRequest> Ok(string json)
    {
        var (parsed, error) = await Parser.ParseAsync(JsonNode.Parse(json)!.AsObject(), CancellationToken.None);
        Assert.True(error is null, error?.Message);
        return parsed!;
    }

    private static async Task<TaskRequestError> Err(string json, TaskRequestParser? parser = null)
    {
        var (parsed, error) = await (parser ?? Parser).ParseAsync(JsonNode.Parse(json)!.AsObject(), CancellationToken.None);
        Assert.Null(parsed);
        return error!;
    }

    [Theory]
    [InlineData("nano-banana-2-lite")]
    [InlineData("gemini-3.1-flash-lite-image")]
    [InlineData("gemini-3-1-flash-lite-image")]
    [InlineData("GEMINI-3.1-FLASH-LITE-IMAGE")]
    public async Task Model_aliases_resolve_to_the_catalog_id(string model)
    {
        var parsed = await Ok($$"""{"model":"{{model}}","prompt":"a cat"}""");
        Assert.Equal("gemini-3.1-flash-lite-image", parsed.Request.Model.Id);
        Assert.Equal(1, parsed.Request.N);
        Assert.Null(parsed.Request.AspectRatio);
        Assert.Empty(parsed.Request.Warnings);
    }

    [Fact]
    public async Task Unknown_model_is_404_model_not_found_listing_ids()
    {
        var error = await Err("""{"model":"dall-e-3","prompt":"a cat"}""");
        Assert.Equal(404, error.Status);
        Assert.Equal("model_not_found", error.Code);
        Assert.Contains("gemini-3.1-flash-lite-image", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"prompt":"a cat"}""", "model")]
    [InlineData("""{"model":"nano-banana-2-lite"}""", "prompt")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"   "}""", "prompt")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":42}""", "prompt")]
    [InlineData("""{"model":7,"prompt":"a"}""", "model")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","size":16}""", "size")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","resolution":1}""", "resolution")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","google_search":"yes"}""", "google_search")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","image_urls":"data:image/png;base64,AAAA"}""", "image_urls")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","image_urls":[1]}""", "image_urls[0]")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","callback_url":"not a url"}""", "callback_url")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","callback_url":"ftp://x.example/cb"}""", "callback_url")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","webhook":"/relative"}""", "webhook")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","size":"big"}""", "size")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","resolution":"8K"}""", "resolution")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","callback_format":"xml"}""", "callback_format")]
    [InlineData("""{"model":"nano-banana-2-lite","prompt":"a","image_urls":["not an image, not a url"]}""", "image_urls[0]")]
    public async Task Wrong_values_are_400_naming_the_field(string json, string param)
    {
        var error = await Err(json);
        Assert.Equal(400, error.Status);
        Assert.Equal("invalid_request", error.Code);
        Assert.Equal(param, error.Param);
    }

    [Theory]
    [InlineData("16:9", 16, 9)]
    [InlineData("9:16", 9, 16)]
    [InlineData("21:9", 21, 9)]
    [InlineData(" 4:3 ", 4, 3)]
    public async Task Size_as_a_ratio_sets_the_aspect_ratio(string size, int w, int h)
    {
        var parsed = await Ok($$"""{"model":"nano-banana-2-lite","prompt":"a","size":"{{size}}"}""");
        Assert.Equal(new AspectRatio(w, h), parsed.Request.AspectRatio);
        Assert.Empty(parsed.Request.Warnings);
    }

    [Theory]
    [InlineData("auto")]
    [InlineData("AUTO")]
    [InlineData("")]
    public async Task Size_auto_leaves_the_ratio_to_the_model(string size)
    {
        var parsed = await Ok($$"""{"model":"nano-banana-2-lite","prompt":"a","size":"{{size}}"}""");
        Assert.Null(parsed.Request.AspectRatio);
    }

    [Fact]
    public async Task Size_in_pixels_maps_to_the_nearest_ratio_with_a_warning()
    {
        var parsed = await Ok("""{"model":"nano-banana-2-lite","prompt":"a","size":"1920x1080"}""");
        Assert.Equal(new AspectRatio(16, 9), parsed.Request.AspectRatio);
        Assert.Equal(["size 1920x1080 mapped to 16:9 (1376x768)"], parsed.Request.Warnings);
    }

    [Fact]
    public async Task Size_in_exact_catalog_pixels_has_no_warning()
    {
        var parsed = await Ok("""{"model":"nano-banana-2-lite","prompt":"a","size":"1024x1024"}""");
        Assert.Equal(new AspectRatio(1, 1), parsed.Request.AspectRatio);
        Assert.Empty(parsed.Request.Warnings);
    }

    [Fact]
    public async Task Unsupported_ratio_maps_to_the_nearest_with_a_warning()
    {
        var parsed = await Ok("""{"model":"nano-banana-pro","prompt":"a","aspect_ratio":"1:4"}""");
        Assert.Equal(new AspectRatio(9, 16), parsed.Request.AspectRatio);
        Assert.Equal(["aspect_ratio 1:4 is not supported by gemini-3-pro-image; mapped to 9:16 (768x1376)"], parsed.Request.Warnings);
    }

    [Fact]
    public async Task Aspect_ratio_alone_is_used()
    {
        var parsed = await Ok("""{"model":"nano-banana-2-lite","prompt":"a","aspect_ratio":"3:2"}""");
        Assert.Equal(new AspectRatio(3, 2), parsed.Request.AspectRatio);
    }

    [Fact]
    public async Task Size_and_aspect_ratio_that_agree_are_accepted()
    {
        var parsed = await Ok("""{"model":"nano-banana-2-lite","prompt":"a","size":"16:9","aspect_ratio":"16:9"}""");
        Assert.Equal(new AspectRatio(16, 9), parsed.Request.AspectRatio);
    }

    [Fact]
    public async Task Size_and_aspect_ratio_that_differ_are_400()
    {
        var error = await Err("""{"model":"nano-banana-2-lite","prompt":"a","size":"16:9","aspect_ratio":"1:1"}""");
        Assert.Equal(400, error.Status);
        Assert.Equal("aspect_ratio", error.Param);
    }

    [Theory]
    [InlineData("2K")]
    [InlineData("4k")]
    [InlineData("0.5K")]
    [InlineData("512")]
    public async Task Lite_downgrades_other_resolutions_to_1K_with_a_warning(string resolution)
    {
        var parsed = await Ok($$"""{"model":"nano-banana-2-lite","prompt":"a","resolution":"{{resolution}}"}""");
        Assert.Equal(ImageSize.Size1K, parsed.Request.Size);
        var warning = Assert.Single(parsed.Request.Warnings);
        Assert.Contains("using 1K", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1k", ImageSize.Size1K)]
    [InlineData("2k", ImageSize.Size2K)]
    [InlineData("4K", ImageSize.Size4K)]
    [InlineData("0.5k", ImageSize.Size512)]
    public async Task Resolution_is_parsed_in_any_case(string resolution, ImageSize expected)
    {
        var parsed = await Ok($$"""{"model":"nano-banana-2","prompt":"a","resolution":"{{resolution}}"}""");
        Assert.Equal(expected, parsed.Request.Size);
        Assert.Empty(parsed.Request.Warnings);
    }

    [Fact]
    public async Task Pro_downgrades_512_to_1K()
    {
        var parsed = await Ok("""{"model":"nano-banana-pro","prompt":"a","resolution":"0.5K"}""");
        Assert.Equal(ImageSize.Size1K, parsed.Request.Size);
        Assert.Single(parsed.Request.Warnings);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task N_accepts_plain_numbers_1_to_4(int n)
    {
        var parsed = await Ok($$"""{"model":"nano-banana-2-lite","prompt":"a","n":{{n}}}""");
        Assert.Equal(n, parsed.Request.N);
    }

    [Fact]
    public async Task N_as_a_string_is_400_saying_to_send_a_plain_number()
    {
        var error = await Err("""{"model":"nano-banana-2-lite","prompt":"a","n":"2"}""");
        Assert.Equal(400, error.Status);
        Assert.Equal("n", error.Param);
        Assert.Contains("plain number", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("5")]
    [InlineData("1.5")]
    [InlineData("true")]
    public async Task N_out_of_range_or_fractional_is_400(string n)
    {
        var error = await Err($$"""{"model":"nano-banana-2-lite","prompt":"a","n":{{n}}}""");
        Assert.Equal("n", error.Param);
    }

    [Fact]
    public async Task An_unknown_thinking_level_is_ignored_with_a_warning()
    {
        var parsed = await Ok("""{"model":"nano-banana-2-lite","prompt":"a","thinking_level":"medium"}""");
        Assert.Null(parsed.Request.ThinkingLevel);
        Assert.Contains(parsed.Request.Warnings, w => w.Contains("thinking_level 'medium'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Null_and_empty_optional_fields_mean_absent()
    {
        var parsed = await Ok("""
            {"model":"nano-banana-2-lite","prompt":"a","size":null,"aspect_ratio":"","resolution":null,"n":null,"image_urls":null,
             "thinking_level":"","google_search":null,"callback_url":"","webhook":null,"mask_url":null,"callback_format":""}
            """);
        Assert.Empty(parsed.Request.Warnings);
        Assert.Null(parsed.CallbackUrl);
        Assert.Equal(1, parsed.Request.N);
        Assert.Empty(parsed.Request.ReferenceImages);
        parsed = await Ok("""{"model":"nano-banana-2-lite","prompt":"a","mask_url":""}""");
        Assert.Empty(parsed.Request.Warnings);
    }

    [Fact]
    public async Task Fields_outside_the_task_api_are_ignored_with_a_warning()
    {
        var parsed = await Ok("""{"model":"gemini-3.1-flash-lite-image","prompt":"a","official_fallback":true}""");
        Assert.Equal(["official_fallback is not supported by Nanogate and was ignored"], parsed.Request.Warnings);
    }

    [Theory]
    [InlineData("1024px", ImageSize.Size1K)]
    [InlineData("1k", ImageSize.Size1K)]
    [InlineData("0.5K", ImageSize.Size512)]
    [InlineData("512", ImageSize.Size512)]
    [InlineData("2048PX", ImageSize.Size2K)]
    public async Task Resolution_spellings_of_the_seeds_map_to_tiers(string resolution, ImageSize expected)
    {
        var parsed = await Ok($$"""{"model":"nano-banana-2","prompt":"a","resolution":"{{resolution}}"}""");
        Assert.Equal(expected, parsed.Request.Size);
    }

    [Fact]
    public async Task Raw_base64_image_urls_are_sniffed()
    {
        var png = Convert.ToBase64String(TestSupport.TestImages.Png(40, 30));
        var parsed = await Ok($$"""{"model":"nano-banana-2-lite","prompt":"a","image_urls":["{{png}}"]}""");
        Assert.Equal("image/png", parsed.Request.ReferenceImages[0].MimeType);
        Assert.Equal(40, parsed.Request.ReferenceImages[0].Width);
    }

    [Fact]
    public async Task A_prompt_past_the_input_token_limit_is_400_before_any_call()
    {
        // 65,536 tokens × 4 characters is the most Lite may take; one character more cannot fit.
        var fits = await Ok($$"""{"model":"nano-banana-2-lite","prompt":"{{new string('a', 65_536 * 4)}}"}""");
        Assert.NotNull(fits);
        var error = await Err($$"""{"model":"nano-banana-2-lite","prompt":"{{new string('a', (65_536 * 4) + 1)}}"}""");
        Assert.Equal("prompt", error.Param);
        Assert.Contains("65,536", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("task", "task")]
    [InlineData("Envelope", "envelope")]
    public async Task Callback_format_is_read(string given, string expected)
    {
        var parsed = await Ok($$"""{"model":"nano-banana-2-lite","prompt":"a","callback_format":"{{given}}"}""");
        Assert.Equal(expected, parsed.CallbackFormat);
    }

    [Fact]
    public async Task Thinking_level_is_kept_where_supported()
    {
        var parsed = await Ok("""{"model":"nano-banana-2-lite","prompt":"a","thinking_level":"High"}""");
        Assert.Equal("high", parsed.Request.ThinkingLevel);
        Assert.Empty(parsed.Request.Warnings);
    }

    [Theory]
    [InlineData("nano-banana")]
    [InlineData("nano-banana-pro")]
    public async Task Thinking_level_is_ignored_with_a_warning_elsewhere(string model)
    {
        var parsed = await Ok($$"""{"model":"{{model}}","prompt":"a","thinking_level":"minimal"}""");
        Assert.Null(parsed.Request.ThinkingLevel);
        Assert.Single(parsed.Request.Warnings);
    }

    [Theory]
    [InlineData("google_search")]
    [InlineData("google_image_search")]
    [InlineData("enable_web_search")]
    public async Task Search_on_lite_is_ignored_with_a_warning(string flag)
    {
        var parsed = await Ok($$"""{"model":"nano-banana-2-lite","prompt":"a","{{flag}}":true}""");
        Assert.False(parsed.Request.Search);
        Assert.Contains(flag, Assert.Single(parsed.Request.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_on_flash_is_honoured()
    {
        var parsed = await Ok("""{"model":"nano-banana-2","prompt":"a","google_search":true}""");
        Assert.True(parsed.Request.Search);
        Assert.Empty(parsed.Request.Warnings);
    }

    [Fact]
    public async Task Search_false_is_no_warning()
    {
        var parsed = await Ok("""{"model":"nano-banana-2-lite","prompt":"a","google_search":false}""");
        Assert.Empty(parsed.Request.Warnings);
    }

    [Fact]
    public async Task Callback_url_and_webhook_base_become_targets()
    {
        var parsed = await Ok("""{"model":"nano-banana-2-lite","prompt":"a","callback_url":"https://a.example/hook?x=1","webhook":"https://b.example/base/"}""");
        Assert.Equal("https://a.example/hook?x=1", parsed.CallbackUrl);
        Assert.Equal("https://b.example/base/callback", parsed.WebhookUrl);
    }

    [Fact]
    public async Task Mask_url_is_400_explaining_what_to_do()
    {
        var error = await Err("""{"model":"nano-banana-2-lite","prompt":"a","mask_url":"https://x.example/m.png"}""");
        Assert.Equal(400, error.Status);
        Assert.Equal("mask_url", error.Param);
        Assert.Contains("image_urls", error.Message, StringComparison.Ordinal);
        Assert.Contains("prompt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Data_uri_images_are_decoded_and_sniffed()
    {
        var png = TestImages.Png(6, 4);
        var parsed = await Ok($$"""{"model":"nano-banana-2-lite","prompt":"a","image_urls":["data:image/png;base64,{{Convert.ToBase64String(png)}}"]}""");
        var image = Assert.Single(parsed.Request.ReferenceImages);
        Assert.Equal("image/png", image.MimeType);
        Assert.Equal((6, 4), (image.Width, image.Height));
        Assert.Equal(png, image.Data);
    }

    [Fact]
    public async Task Data_uri_whose_bytes_are_not_an_image_is_400()
    {
        var error = await Err($$"""{"model":"nano-banana-2-lite","prompt":"a","image_urls":["data:image/png;base64,{{Convert.ToBase64String("hello world"u8.ToArray())}}"]}""");
        Assert.Equal("image_urls[0]", error.Param);
        Assert.Contains("JPEG, PNG or WebP", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data:image/gif;base64,R0lGOD")]
    [InlineData("data:text/plain;base64,aGVsbG8=")]
    [InlineData("data:image/png;base64,@@@")]
    [InlineData("file:///etc/passwd")]
    public async Task Bad_image_uris_are_400(string uri)
    {
        var error = await Err($$"""{"model":"nano-banana-2-lite","prompt":"a","image_urls":["{{uri}}"]}""");
        Assert.Equal("image_urls[0]", error.Param);
    }

    [Fact]
    public async Task Images_over_10_MB_are_400()
    {
        var big = new byte[TaskRequestParser.MaxImageBytes + 100];
        TestImages.Png(2, 2).CopyTo(big, 0);
        var error = await Err($$"""{"model":"nano-banana-2-lite","prompt":"a","image_urls":["data:image/png;base64,{{Convert.ToBase64String(big)}}"]}""");
        Assert.Contains("10 MB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_images_than_the_model_accepts_is_400()
    {
        var uri = "data:image/png;base64," + Convert.ToBase64String(TestImages.Png(2, 2));
        var list = string.Join(",", Enumerable.Repeat($"\"{uri}\"", 4));
        var error = await Err($$"""{"model":"nano-banana","prompt":"a","image_urls":[{{list}}]}""");
        Assert.Equal("image_urls", error.Param);
        Assert.Contains("at most 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_url_is_a_400_carrying_the_fetchers_reason()
    {
        var error = await Err("""{"model":"nano-banana-2-lite","prompt":"a","image_urls":["https://example.com/a.png"]}""");
        Assert.Equal(400, error.Status);
        Assert.Contains("only public internet addresses", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_urls_go_through_the_fetcher_and_are_sniffed()
    {
        var png = TestImages.Png(3, 5);
        var parser = new TaskRequestParser(ModelCatalog.Default, new StubFetcher(png));
        var (parsed, error) = await parser.ParseAsync(JsonNode.Parse("""{"model":"nano-banana-2-lite","prompt":"a","image_urls":["https://example.com/a.png"]}""")!.AsObject(), CancellationToken.None);
        Assert.Null(error);
        Assert.Equal((3, 5), (parsed!.Request.ReferenceImages[0].Width, parsed.Request.ReferenceImages[0].Height));
    }

    private sealed class RefusingFetcher : IImageFetcher
    {
        public Task<FetchedImage> FetchAsync(Uri url, int maxBytes, CancellationToken cancellationToken) =>
            throw new ImageFetchException($"{url.Host} resolves to a private address; only public internet addresses are allowed.");
    }

    private sealed class StubFetcher(byte[] data) : IImageFetcher
    {
        public Task<FetchedImage> FetchAsync(Uri url, int maxBytes, CancellationToken cancellationToken) => Task.FromResult(new FetchedImage(data, "image/png"));
    }
}
