using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Simulator;

namespace Nanogate.IntegrationTests.Simulator;

/// <summary>The simulator's Files API, spoken on the wire as Google's clients speak it.</summary>
public sealed class SimulatorFilesApiTests : IAsyncLifetime
{
    private const string Lite = "gemini-3.1-flash-lite-image";
    private NanogateServer _server = null!;

    public async Task InitializeAsync() => _server = await NanogateServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Resumable_upload_then_get_list_use_and_delete()
    {
        var image = TestImages.Png(300, 100);
        var file = await UploadAsync(image, "image/png", "wide");
        var name = file.GetProperty("name").GetString()!;
        Assert.StartsWith("files/", name, StringComparison.Ordinal);
        Assert.Equal("image/png", file.GetProperty("mimeType").GetString());
        Assert.Equal(image.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), file.GetProperty("sizeBytes").GetString());
        Assert.Equal("ACTIVE", file.GetProperty("state").GetString());
        Assert.Equal("wide", file.GetProperty("displayName").GetString());
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(image)), file.GetProperty("sha256Hash").GetString());
        var created = DateTimeOffset.Parse(file.GetProperty("createTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse(file.GetProperty("expirationTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(GeminiInlineLimits.FileLifetime, expires - created);
        var uri = file.GetProperty("uri").GetString()!;
        Assert.EndsWith("/simulator/v1beta/" + name, uri, StringComparison.Ordinal);

        using (var got = await _server.Client.GetAsync($"/simulator/v1beta/{name}"))
        {
            Assert.Equal(HttpStatusCode.OK, got.StatusCode);
            using var json = JsonDocument.Parse(await got.Content.ReadAsByteArrayAsync());
            Assert.Equal(uri, json.RootElement.GetProperty("uri").GetString());
        }

        using (var listed = await _server.Client.GetAsync("/simulator/v1beta/files"))
        {
            using var json = JsonDocument.Parse(await listed.Content.ReadAsByteArrayAsync());
            Assert.Contains(json.RootElement.GetProperty("files").EnumerateArray(), f => f.GetProperty("name").GetString() == name);
        }

        // A generateContent naming the file reads it: with no ratio given, the output follows the file's 3:1 shape (nearest: 21:9).
        using (var generated = await GenerateAsync($$$"""{"contents":[{"role":"user","parts":[{"text":"make it blue"},{"fileData":{"mimeType":"image/png","fileUri":"{{{uri}}}"}}]}]}"""))
        {
            Assert.Equal(HttpStatusCode.OK, generated.StatusCode);
            using var json = JsonDocument.Parse(await generated.Content.ReadAsByteArrayAsync());
            var parts = json.RootElement.GetProperty("candidates")[0].GetProperty("content").GetProperty("parts");
            var data = parts.EnumerateArray().Single(p => p.TryGetProperty("inlineData", out _)).GetProperty("inlineData").GetProperty("data").GetBytesFromBase64();
            Assert.True(Nanogate.Core.Images.ImageSniffer.TryIdentify(data, out var info));
            Assert.Equal((1584, 672), (info.Width, info.Height));
            Assert.Equal(258 + 3, json.RootElement.GetProperty("usageMetadata").GetProperty("promptTokenCount").GetInt32());
        }

        using (var deleted = await _server.Client.DeleteAsync($"/simulator/v1beta/{name}"))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.Equal("{}", await deleted.Content.ReadAsStringAsync());
        }

        // Gone: GET and DELETE answer as Google does, and a request naming it is refused.
        using (var again = await _server.Client.GetAsync($"/simulator/v1beta/{name}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
            Assert.Contains("PERMISSION_DENIED", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var again = await _server.Client.DeleteAsync($"/simulator/v1beta/{name}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        }

        using (var stale = await GenerateAsync($$$"""{"contents":[{"parts":[{"text":"x"},{"fileData":{"mimeType":"image/png","fileUri":"{{{uri}}}"}}]}]}"""))
        {
            Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
            Assert.Contains("INVALID_ARGUMENT", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unknown_file_is_400_in_generate_content_and_403_on_get()
    {
        using var generated = await GenerateAsync("""{"contents":[{"parts":[{"text":"x"},{"file_data":{"mime_type":"image/png","file_uri":"https://generativelanguage.googleapis.com/v1beta/files/nosuchfile"}}]}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, generated.StatusCode);
        Assert.Contains("nosuchfile", await generated.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var got = await _server.Client.GetAsync("/simulator/v1beta/files/nosuchfile");
        Assert.Equal(HttpStatusCode.Forbidden, got.StatusCode);
        Assert.Contains("You do not have permission to access the File nosuchfile or it may not exist.", await got.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uploads_are_checked_offsets_sizes_and_commands()
    {
        using var noProtocol = new HttpRequestMessage(HttpMethod.Post, "/simulator/upload/v1beta/files");
        noProtocol.Headers.Add("X-Goog-Upload-Command", "start");
        using (var response = await _server.Client.SendAsync(noProtocol))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        var url = await StartAsync(10, "image/png", null);

        // Chunks: the offset must be what was received; finalize needs every declared byte.
        using (var wrongOffset = Upload(url, "upload", 5, new byte[3]))
        using (var response = await _server.Client.SendAsync(wrongOffset))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var first = Upload(url, "upload", 0, new byte[6]))
        using (var response = await _server.Client.SendAsync(first))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("6", response.Headers.GetValues("X-Goog-Upload-Size-Received").Single());
        }

        using (var early = Upload(url, "finalize", 0, []))
        using (var response = await _server.Client.SendAsync(early))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var tooMuch = Upload(url, "upload, finalize", 6, new byte[5]))
        using (var response = await _server.Client.SendAsync(tooMuch))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using (var rest = Upload(url, "upload, finalize", 6, new byte[4]))
        using (var response = await _server.Client.SendAsync(rest))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("final", response.Headers.GetValues("X-Goog-Upload-Status").Single());
        }

        // The session is over.
        using (var after = Upload(url, "upload, finalize", 10, new byte[1]))
        using (var response = await _server.Client.SendAsync(after))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_request_past_the_inline_budget_is_refused_as_Google_refuses_it()
    {
        // Just over 100 MiB of inline data: Google's "Request payload size exceeds the limit".
        var data = new string('A', (int)GeminiInlineLimits.RequestBytes);
        using var response = await GenerateAsync($$$"""{"contents":[{"parts":[{"text":"x"},{"inlineData":{"mimeType":"image/png","data":"{{{data}}}"}}]}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"Request payload size exceeds the limit: {GeminiInlineLimits.RequestBytes} bytes.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_expire_48_hours_after_their_upload()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var store = new SimulatorFileStore(clock);
        var upload = store.Start("x", "image/png", 4);
        using (var bytes = new MemoryStream([1, 2, 3, 4]))
        {
            Assert.True(await SimulatorFileStore.AppendAsync(upload, bytes, CancellationToken.None));
        }

        var file = store.Finalize(upload);
        Assert.Equal(clock.GetUtcNow() + GeminiInlineLimits.FileLifetime, file.Expires);
        clock.Advance(GeminiInlineLimits.FileLifetime - TimeSpan.FromSeconds(1));
        Assert.NotNull(store.Find(file.Id));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(store.Find(file.Id));
        Assert.Null(store.Resolve(file.Id));
        Assert.Empty(store.List());
        Assert.False(File.Exists(file.Path));

        // Expired is not deleted: only DELETE counts.
        Assert.Equal(1, store.Uploaded);
        Assert.Equal(0, store.Deleted);
    }

    private async Task<JsonElement> UploadAsync(byte[] bytes, string mimeType, string? displayName)
    {
        var url = await StartAsync(bytes.Length, mimeType, displayName);
        using var upload = Upload(url, "upload, finalize", 0, bytes);
        using var response = await _server.Client.SendAsync(upload);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync());
        return json.RootElement.GetProperty("file").Clone();
    }

    private async Task<Uri> StartAsync(long length, string mimeType, string? displayName)
    {
        using var start = new HttpRequestMessage(HttpMethod.Post, "/simulator/upload/v1beta/files")
        {
            Content = new StringContent(displayName is null ? "{}" : $$$"""{"file":{"display_name":"{{{displayName}}}"}}""", Encoding.UTF8, "application/json"),
        };
        start.Headers.Add("X-Goog-Upload-Protocol", "resumable");
        start.Headers.Add("X-Goog-Upload-Command", "start");
        start.Headers.Add("X-Goog-Upload-Header-Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.Headers.Add("X-Goog-Upload-Header-Content-Type", mimeType);
        start.Headers.Add("x-goog-api-key", "simulator");
        using var response = await _server.Client.SendAsync(start);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("active", response.Headers.GetValues("X-Goog-Upload-Status").Single());
        return new Uri(response.Headers.GetValues("X-Goog-Upload-URL").Single());
    }

    private static HttpRequestMessage Upload(Uri url, string command, long offset, byte[] bytes)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        message.Headers.Add("X-Goog-Upload-Command", command);
        message.Headers.Add("X-Goog-Upload-Offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return message;
    }

    private Task<HttpResponseMessage> GenerateAsync(string json) =>
        _server.Client.PostAsync($"/simulator/v1beta/models/{Lite}:generateContent", new StringContent(json, Encoding.UTF8, "application/json"));
}
