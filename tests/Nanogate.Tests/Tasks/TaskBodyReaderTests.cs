using System.Text;
using System.Text.Json;
using Nanogate.Core.Catalog;
using Nanogate.Tasks;

namespace Nanogate.Tests.Tasks;

/// <summary>The one-pass reader of task bodies: large image strings stay in the buffer, everything else is a small tree.</summary>
public sealed class TaskBodyReaderTests
{
    private static TaskBody Parse(string json) => TaskBodyReader.Parse(Encoding.UTF8.GetBytes(json))!;

    [Fact]
    public void Large_image_strings_stay_in_the_buffer_and_the_rest_is_a_tree()
    {
        var png = Convert.ToBase64String(TestImages.PngPadded(10_000));
        var body = Parse($$$"""{"model":"nano-banana-2-lite","prompt":"x","n":2,"image_urls":["https://example.com/a.png","data:image/png;base64,{{{png}}}",null],"extra":{"a":[1,2]}}""");
        Assert.Equal("nano-banana-2-lite", body.Fields["model"]!.GetValue<string>());
        Assert.Equal(2, body.Fields["n"]!.GetValue<int>());
        Assert.Equal(2, body.Fields["extra"]!["a"]!.AsArray().Count);
        var urls = body.Fields["image_urls"]!.AsArray();
        Assert.Equal(3, urls.Count);
        Assert.Equal("https://example.com/a.png", urls[0]!.GetValue<string>());
        Assert.Equal(TaskBodyReader.StandIn, urls[1]!.GetValue<string>());
        Assert.Null(urls[2]);
        Assert.Equal("data:image/png;base64," + png, Encoding.UTF8.GetString(body.InlineImages[1].Span));
        Assert.Single(body.InlineImages);
    }

    [Fact]
    public void An_escaped_large_string_is_read_as_a_string()
    {
        var png = Convert.ToBase64String(TestImages.PngPadded(10_000)).Replace("/", "\\/", StringComparison.Ordinal);
        var body = Parse($$$"""{"image_urls":["data:image\/png;base64,{{{png}}}"]}""");
        Assert.Empty(body.InlineImages);
        Assert.StartsWith("data:image/png;base64,", body.Fields["image_urls"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"model":"a","model":"b"}""")]
    [InlineData("""{"prompt":"x"} trailing""")]
    [InlineData("""{"prompt":"x",}""")]
    [InlineData("""{"nested":{"a":1,"a":2}}""")]
    [InlineData("")]
    public void Bad_json_and_repeated_keys_throw(string json) =>
        Assert.ThrowsAny<JsonException>(() => TaskBodyReader.Parse(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    public void A_root_that_is_not_an_object_is_null(string json) =>
        Assert.Null(TaskBodyReader.Parse(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public async Task Images_left_in_the_buffer_decode_like_strings()
    {
        var parser = new TaskRequestParser(ModelCatalog.Default, new NoFetcher());
        var png = TestImages.Png(40, 30);
        var padded = new byte[8000];
        png.CopyTo(padded, 0);
        var base64 = Convert.ToBase64String(padded);
        var body = Parse($$$"""{"model":"nano-banana-2-lite","prompt":"x","image_urls":["data:image/png;base64,{{{base64}}}","{{{base64}}}"]}""");
        Assert.Equal(2, body.InlineImages.Count);
        var (parsed, error) = await parser.ParseAsync(body, null, CancellationToken.None);
        Assert.Null(error);
        Assert.All(parsed!.Request.ReferenceImages, r => Assert.Equal(padded, r.Data));
        Assert.Equal((40, 30), (parsed.Request.ReferenceImages[0].Width, parsed.Request.ReferenceImages[0].Height));
    }

    [Theory]
    [InlineData("data:image/gif;base64,", "is not a valid data URI")]
    [InlineData("data:image/png;base64,", "is not a JPEG, PNG or WebP image")]
    [InlineData("", "must be an http(s) URL")]
    public async Task Images_left_in_the_buffer_are_checked_like_strings(string prefix, string message)
    {
        var parser = new TaskRequestParser(ModelCatalog.Default, new NoFetcher());
        // Not an image (zeros), or not base64 at all ('!').
        var payload = prefix.Length == 0 ? new string('!', 8000) : Convert.ToBase64String(new byte[8000]);
        var body = Parse($$$"""{"model":"nano-banana-2-lite","prompt":"x","image_urls":["{{{prefix}}}{{{payload}}}"]}""");
        var (parsed, error) = await parser.ParseAsync(body, null, CancellationToken.None);
        Assert.Null(parsed);
        Assert.Equal("image_urls[0]", error!.Param);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_over_10_MB_is_refused_before_it_is_decoded()
    {
        var parser = new TaskRequestParser(ModelCatalog.Default, new NoFetcher());
        var payload = new string('A', ((10 * 1024 * 1024) + 3) / 3 * 4 + 8);
        var body = Parse($$$"""{"model":"nano-banana-2-lite","prompt":"x","image_urls":["data:image/png;base64,{{{payload}}}"]}""");
        var (_, error) = await parser.ParseAsync(body, null, CancellationToken.None);
        Assert.Contains("larger than 10 MB", error!.Message, StringComparison.Ordinal);
    }

    private sealed class NoFetcher : IImageFetcher
    {
        public Task<FetchedImage> FetchAsync(Uri url, int maxBytes, CancellationToken cancellationToken) =>
            throw new ImageFetchException("no fetching in this test");
    }
}
