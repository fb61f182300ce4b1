using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Simulator;

namespace Nanogate.IntegrationTests.Tasks;

/// <summary>
/// References at the seeds' limits (14 of 10 MB, by data URI and by URL) end to end through the simulator, whose
/// Files API takes what passes Google's inline budget; and what cannot succeed refused at submit.
/// </summary>
public sealed class LargeReferenceTests : IAsyncLifetime
{
    internal const int TenMegabytes = 10 * 1024 * 1024;
    internal const int Count = 14;
    internal static readonly byte[] Reference = TestImages.PngPadded(TenMegabytes);
    private LoopbackServer _images = null!;

    public async Task InitializeAsync() =>
        _images = await LoopbackServer.StartAsync(app => app.MapGet("/ref/{n}.png", (int n) => Results.Bytes(Reference, "image/png")));

    public async Task DisposeAsync() => await _images.DisposeAsync();

    /// <summary>
    /// What the channel must upload: the worker's body is 14 × ~13.98 MB of base64 (~195.7 MB); Google takes 100 MiB
    /// inline, and each upload takes ~13.98 MB out, so 7 go through the Files API and 7 stay inline.
    /// </summary>
    private static int ExpectedUploads()
    {
        var perImage = ((TenMegabytes + 2) / 3 * 4) + 64;
        var body = (long)perImage * Count;
        var uploads = 0;
        while (body > GeminiInlineLimits.RequestBytes)
        {
            body -= perImage - 256;
            uploads++;
        }

        return uploads;
    }

    [Fact]
    public async Task Fourteen_data_uris_of_10_MB_succeed_through_the_Files_API_and_leave_no_file()
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync(10_000);
        using var client = LongClient(account);
        var files = server.Services.GetRequiredService<SimulatorFileStore>();
        var (uploaded, referenced, deleted) = (files.Uploaded, files.Referenced, files.Deleted);

        var body = Body(Enumerable.Repeat(Reference, Count).ToList());
        Assert.True(body.Length > 190_000_000, $"{body.Length} bytes");
        using var response = await client.PostAsync("/v1/images/generations", Json(body));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var task = await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(response))["task_id"]!.GetValue<string>(), TimeSpan.FromMinutes(3));
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        Assert.Single(task["images"]!.AsArray());

        var expected = ExpectedUploads();
        Assert.Equal(7, expected);
        Assert.Equal(expected, files.Uploaded - uploaded);
        Assert.Equal(expected, files.Referenced - referenced);
        Assert.Equal(expected, files.Deleted - deleted);
        Assert.Empty(files.List());
    }

    [Fact]
    public async Task Fourteen_urls_of_10_MB_succeed_through_the_Files_API_and_leave_no_file()
    {
        await using var server = await NanogateServer.StartAsync("Security:AllowPrivateNetworkTargets=true");
        var account = await server.CreateAccountAsync(10_000);
        using var client = LongClient(account);
        var files = server.Services.GetRequiredService<SimulatorFileStore>();
        var (uploaded, deleted) = (files.Uploaded, files.Deleted);

        var urls = Enumerable.Range(0, Count).Select(i => $"{_images.Address}/ref/{i}.png").ToArray();
        using var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "merge them", image_urls = urls });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var task = await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(response))["task_id"]!.GetValue<string>(), TimeSpan.FromMinutes(3));
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        Assert.Equal(ExpectedUploads(), files.Uploaded - uploaded);
        Assert.Equal(ExpectedUploads(), files.Deleted - deleted);
        Assert.Empty(files.List());
    }

    [Fact]
    public async Task The_synchronous_route_takes_fourteen_data_uris_of_10_MB()
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync(10_000);
        using var client = LongClient(account);
        var files = server.Services.GetRequiredService<SimulatorFileStore>();
        var uploaded = files.Uploaded;

        using var response = await client.PostAsync("/openai/v1/images/generations", Json(Body(Enumerable.Repeat(Reference, Count).ToList(), "\"response_format\":\"url\",")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await TaskApi.JsonAsync(response);
        Assert.Single(answer["data"]!.AsArray());
        Assert.Equal(ExpectedUploads(), files.Uploaded - uploaded);
        Assert.Empty(files.List());
    }

    [Fact]
    public async Task A_fifteenth_reference_is_refused_at_submit()
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync(1_000);
        using var client = LongClient(account);
        var small = TestImages.Png(8, 8);
        using var response = await client.PostAsync("/v1/images/generations", Json(Body(Enumerable.Repeat(small, Count + 1).ToList())));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await TaskApi.JsonAsync(response))["error"]!;
        Assert.Equal("image_urls", error["param"]!.GetValue<string>());
        Assert.Contains("at most 14", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task An_11_MB_reference_is_refused_at_submit_naming_it()
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync(1_000);
        using var client = LongClient(account);
        var images = new List<byte[]> { TestImages.Png(8, 8), TestImages.PngPadded(11 * 1024 * 1024) };
        using var response = await client.PostAsync("/v1/images/generations", Json(Body(images)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await TaskApi.JsonAsync(response))["error"]!;
        Assert.Equal("image_urls[1]", error["param"]!.GetValue<string>());
        Assert.Contains("larger than 10 MB", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task A_url_over_10_MB_is_refused_at_submit()
    {
        await using var big = await LoopbackServer.StartAsync(app => app.MapGet("/big.png", () => Results.Bytes(TestImages.PngPadded(11 * 1024 * 1024), "image/png")));
        await using var server = await NanogateServer.StartAsync("Security:AllowPrivateNetworkTargets=true");
        var account = await server.CreateAccountAsync(1_000);
        using var client = LongClient(account);
        using var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "x", image_urls = new[] { $"{big.Address}/big.png" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await TaskApi.JsonAsync(response))["error"]!;
        Assert.Equal("image_urls[0]", error["param"]!.GetValue<string>());
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }

    [Fact]
    public async Task With_only_Vertex_channels_a_reference_over_7_MB_is_refused_at_submit()
    {
        await using var server = await NanogateServer.StartAsync();
        var added = await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "vertex-sim", kind = "vertex", base_url = new Uri(server.BaseAddress, "simulator").AbsoluteUri, api_key = "express" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PatchAsJsonAsync("/admin/v1/channels/simulator", new { enabled = false })).StatusCode);
        var account = await server.CreateAccountAsync(1_000);
        using var client = LongClient(account);

        using var refused = await client.PostAsync("/v1/images/generations", Json(Body([TestImages.PngPadded(8 * 1024 * 1024)])));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await TaskApi.JsonAsync(refused))["error"]!;
        Assert.Equal("image_urls[0]", error["param"]!.GetValue<string>());
        Assert.Contains("at most 7 MB", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);

        // Within Vertex's cap the task runs on the Vertex channel.
        using var accepted = await client.PostAsync("/v1/images/generations", Json(Body([TestImages.PngPadded(6 * 1024 * 1024)])));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var task = await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(accepted))["task_id"]!.GetValue<string>(), TimeSpan.FromMinutes(1));
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Beside_a_Google_AI_channel_a_reference_over_7_MB_fails_over_from_Vertex()
    {
        await using var server = await NanogateServer.StartAsync();

        // Priority 50: tried before the built-in simulator channel (100).
        var added = await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "vertex-sim", kind = "vertex", base_url = new Uri(server.BaseAddress, "simulator").AbsoluteUri, api_key = "express" });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var account = await server.CreateAccountAsync(1_000);
        using var client = LongClient(account);
        using var accepted = await client.PostAsync("/v1/images/generations", Json(Body([TestImages.PngPadded(8 * 1024 * 1024)])));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var task = await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(accepted))["task_id"]!.GetValue<string>(), TimeSpan.FromMinutes(1));
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
    }

    internal static HttpClient LongClient(TestAccount account)
    {
        var client = account.Client();
        client.Timeout = TimeSpan.FromMinutes(3);
        return client;
    }

    internal static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>A task body with data URIs, written straight as UTF-8 (as a client SDK streams it), with a Content-Length.</summary>
    internal static byte[] Body(List<byte[]> images, string extra = "")
    {
        var head = Encoding.UTF8.GetBytes($"{{\"model\":\"nano-banana-2-lite\",\"prompt\":\"merge these references\",{extra}\"image_urls\":[");
        var prefix = "\"data:image/png;base64,"u8.ToArray();
        var length = head.Length + images.Sum(i => prefix.Length + Base64.GetMaxEncodedToUtf8Length(i.Length) + 2) + 2;
        var body = new byte[length];
        var at = 0;
        head.CopyTo(body, at);
        at += head.Length;
        for (var i = 0; i < images.Count; i++)
        {
            prefix.CopyTo(body, at);
            at += prefix.Length;
            Base64.EncodeToUtf8(images[i], body.AsSpan(at), out _, out var written);
            at += written;
            body[at++] = (byte)'"';
            if (i < images.Count - 1)
            {
                body[at++] = (byte)',';
            }
        }

        body[at++] = (byte)']';
        body[at++] = (byte)'}';
        return body[..at];
    }
}
