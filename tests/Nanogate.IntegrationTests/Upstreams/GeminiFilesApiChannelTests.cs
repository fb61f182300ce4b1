using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Routing;
using Nanogate.Upstreams.Simulator;
using Nanogate.Upstreams.Vertex;

namespace Nanogate.IntegrationTests.Upstreams;

/// <summary>
/// The channel's upload policy against the simulator's Files API, with a small inline budget so small images
/// stand for large ones: what is uploaded, what the request carries, and that the files go whatever the outcome.
/// </summary>
public sealed class GeminiFilesApiChannelTests : IAsyncLifetime
{
    private const string Lite = "gemini-3.1-flash-lite-image";
    private NanogateServer _server = null!;

    public async Task InitializeAsync() => _server = await NanogateServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private SimulatorFileStore Files => _server.Services.GetRequiredService<SimulatorFileStore>();

    private GeminiChannel Channel(long budget) => new(
        "sim-files", "simulator",
        new GoogleAiEndpoint(() => new Uri(_server.BaseAddress, "simulator/"), new GeminiKeyPool([new ChannelKey("simulator")], TimeProvider.System), budget),
        TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), NullLogger.Instance);

    private static byte[] Body(string prompt, params byte[][] images)
    {
        var parts = new StringBuilder($$"""{"text":"{{prompt}}"}""");
        foreach (var image in images)
        {
            parts.Append(",{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + Convert.ToBase64String(image) + "\"},\"thought\":false}");
        }

        return Encoding.UTF8.GetBytes("{\"contents\":[{\"role\":\"user\",\"parts\":[" + parts + "]}],\"generationConfig\":{\"responseModalities\":[\"TEXT\",\"IMAGE\"]}}");
    }

    [Fact]
    public async Task Within_the_budget_nothing_is_uploaded()
    {
        using var channel = Channel(1_000_000);
        var before = Files.Uploaded;
        using var response = await channel.GenerateContentAsync(new UpstreamRequest(Lite, Body("a fox", TestImages.PngPadded(30_000)), "req_inline"), CancellationToken.None);
        Assert.True(response.IsSuccess);
        Assert.Equal(before, Files.Uploaded);
    }

    [Fact]
    public async Task Past_the_budget_the_largest_images_are_uploaded_and_deleted_after_the_call()
    {
        // 20 KB + 60 KB + 50 KB of images (~174 KB of base64) against a 90 KB budget: without the 60 KB one
        // the body is still ~94 KB, so the 50 KB one goes too, and the 20 KB one stays inline.
        using var channel = Channel(90_000);
        var (uploaded, referenced, deleted) = (Files.Uploaded, Files.Referenced, Files.Deleted);
        var body = Body("a fox", TestImages.PngPadded(20_000), TestImages.PngPadded(60_000), TestImages.PngPadded(50_000));
        using var response = await channel.GenerateContentAsync(new UpstreamRequest(Lite, body, "req_files"), CancellationToken.None);
        Assert.True(response.IsSuccess, response.Failure?.Message);
        Assert.Equal(2, Files.Uploaded - uploaded);
        Assert.Equal(2, Files.Referenced - referenced);
        Assert.Equal(2, Files.Deleted - deleted);
        Assert.Empty(Files.List());

        // All three images reached the model: 3 × 258 prompt image tokens.
        Assert.InRange(response.Summary!.Usage!.PromptTokens, 3 * 258, (4 * 258) - 1);
    }

    [Fact]
    public async Task Uploaded_files_are_deleted_when_the_call_fails()
    {
        using var channel = Channel(100_000);
        var (uploaded, deleted) = (Files.Uploaded, Files.Deleted);
        var body = Body("a fox [sim:500]", TestImages.PngPadded(60_000), TestImages.PngPadded(60_000));
        using var response = await channel.GenerateContentAsync(new UpstreamRequest(Lite, body, "req_fail"), CancellationToken.None);
        Assert.False(response.IsSuccess);
        Assert.Equal(UpstreamFailureKind.Unavailable, response.Failure!.Kind);
        Assert.True(Files.Uploaded - uploaded >= 1);
        Assert.Equal(Files.Uploaded - uploaded, Files.Deleted - deleted);
        Assert.Empty(Files.List());
    }

    [Fact]
    public async Task Streaming_deletes_the_files_when_the_stream_ends()
    {
        using var channel = Channel(100_000);
        var (uploaded, deleted) = (Files.Uploaded, Files.Deleted);
        var body = Body("a fox", TestImages.PngPadded(60_000), TestImages.PngPadded(60_000));
        await using (var stream = await channel.StreamGenerateContentAsync(new UpstreamRequest(Lite, body, "req_stream"), CancellationToken.None))
        {
            Assert.Null(stream.Failure);
            await foreach (var _ in stream.Events!)
            {
            }
        }

        Assert.True(Files.Uploaded - uploaded >= 1);
        Assert.Equal(Files.Uploaded - uploaded, Files.Deleted - deleted);
        Assert.Empty(Files.List());
    }

    [Fact]
    public async Task Vertex_refuses_an_inline_image_over_7_MB_before_any_call()
    {
        var endpoint = new VertexEndpoint(new Uri(_server.BaseAddress, "simulator"), null, "global", null, new GeminiKeyPool([new ChannelKey("express")], TimeProvider.System));
        using var channel = new GeminiChannel("vertex-sim", "vertex", endpoint, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), NullLogger.Instance);
        using var response = await channel.GenerateContentAsync(new UpstreamRequest(Lite, Body("x", TestImages.Png(8, 8), TestImages.PngPadded(8 * 1024 * 1024)), "req_vertex"), CancellationToken.None);
        Assert.False(response.IsSuccess);
        Assert.Equal(UpstreamFailureKind.Unsupported, response.Failure!.Kind);
        Assert.Contains("contents[0].parts[2]", response.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("7 MB", response.Failure.Message, StringComparison.Ordinal);

        // 7 MB and under goes inline as before.
        using var small = await channel.GenerateContentAsync(new UpstreamRequest(Lite, Body("x", TestImages.PngPadded(1024 * 1024)), "req_vertex_ok"), CancellationToken.None);
        Assert.True(small.IsSuccess, small.Failure?.Message);
    }
}
