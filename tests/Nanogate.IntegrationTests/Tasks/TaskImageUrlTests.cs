using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Tasks;

/// <summary>image_urls fetched over HTTP through the SSRF-safe fetcher, end to end through the task API.</summary>
public sealed class TaskImageUrlTests : IAsyncLifetime
{
    private LoopbackServer _images = null!;
    private string _imageServer = "";

    public async Task InitializeAsync()
    {
        var wide = TestImages.Png(200, 100);
        _images = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/wide.png", () => Results.Bytes(wide, "image/png"));
            app.MapGet("/not-an-image", () => Results.Text("<html>hello</html>", "text/html"));
        });
        _imageServer = _images.Address;
    }

    public async Task DisposeAsync()
    {
        await _images.DisposeAsync();
    }

    [Fact]
    public async Task A_fetched_reference_image_sets_the_automatic_ratio()
    {
        await using var server = await NanogateServer.StartAsync("Security:AllowPrivateNetworkTargets=true");
        var account = await server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "make it blue", image_urls = new[] { $"{_imageServer}/wide.png" } });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var task = await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(response))["task_id"]!.GetValue<string>());
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        // 200x100 is 2:1; the nearest ratio Lite has is 16:9.
        Assert.Equal(1376, task["images"]![0]!["width"]!.GetValue<int>());
        Assert.Equal(768, task["images"]![0]!["height"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_url_that_is_not_an_image_is_400()
    {
        await using var server = await NanogateServer.StartAsync("Security:AllowPrivateNetworkTargets=true");
        var account = await server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "x", image_urls = new[] { $"{_imageServer}/not-an-image" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/wide.png")]
    [InlineData("http://localhost:{port}/wide.png")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/x.png")]
    [InlineData("http://0x7f.1/x.png")]
    [InlineData("http://2130706433/x.png")]
    [InlineData("http://[::ffff:127.0.0.1]/x.png")]
    public async Task Internal_addresses_are_refused_without_a_request_leaving(string template)
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var url = template.Replace("{port}", new Uri(_imageServer).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "x", image_urls = new[] { url } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await TaskApi.JsonAsync(response);
        // Refused for its address or, on a loopback test port, for its port: either way before any connection.
        var message = error["error"]!["message"]!.GetValue<string>();
        Assert.StartsWith("image_urls[0]", message, StringComparison.Ordinal);
        Assert.True(message.Contains("public", StringComparison.OrdinalIgnoreCase) || message.Contains("Port", StringComparison.Ordinal), message);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }
}
