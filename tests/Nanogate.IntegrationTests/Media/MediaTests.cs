using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;
using Nanogate.Media;

namespace Nanogate.IntegrationTests.Media;

public sealed class MediaTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private NanogateServer Server => fixture.Server;

    private async Task<string> MakeImageUrlAsync()
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "media test" }, r => r.Headers.Add("Prefer", "wait=30"));
        var task = await TaskApi.JsonAsync(response);
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        return task["images"]![0]!["url"]!.GetValue<string>();
    }

    [Fact]
    public async Task Another_accounts_key_gets_404_for_media_it_does_not_own_while_a_keyless_browser_gets_the_bytes()
    {
        var url = await MakeImageUrlAsync();
        var stranger = await Server.CreateAccountAsync(10);
        using var strangerClient = stranger.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await strangerClient.GetAsync(url)).StatusCode);

        using var browser = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task A_link_serves_bytes_with_etag_and_private_immutable_caching_and_304_on_match()
    {
        var url = await MakeImageUrlAsync();
        using var client = new HttpClient();
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var etag = response.Headers.ETag!;
        Assert.False(etag.IsWeak);
        Assert.Equal($"\"{url.Split("/v1/media/")[1].Split('?')[0]}\"", etag.Tag);
        var cache = response.Headers.CacheControl!;
        Assert.True(cache.Private);
        Assert.Contains(cache.Extensions, e => e.Name == "immutable");
        Assert.InRange(cache.MaxAge!.Value.TotalSeconds, 23 * 3600, 24 * 3600);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal((1024, 1024), Png.Size(bytes));

        var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        var other = new HttpRequestMessage(HttpMethod.Get, url);
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"something-else\""));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(other)).StatusCode);
    }

    [Fact]
    public async Task A_tampered_or_missing_signature_is_403()
    {
        var url = await MakeImageUrlAsync();
        using var client = new HttpClient();
        var sigAt = url.IndexOf("&sig=", StringComparison.Ordinal) + 5;
        var tampered = url[..sigAt] + (url[sigAt] == 'A' ? 'B' : 'A') + url[(sigAt + 1)..];
        var response = await client.GetAsync(tampered);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("invalid_signature", (await TaskApi.JsonAsync(response))["error"]!["code"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(url[..url.IndexOf('?', StringComparison.Ordinal)])).StatusCode);

        // Moving the expiry invalidates the signature too.
        var expAt = url.IndexOf("exp=", StringComparison.Ordinal) + 4;
        var later = url[..expAt] + "9" + url[expAt..];
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(later)).StatusCode);
    }

    [Fact]
    public async Task A_correctly_signed_but_expired_link_is_410()
    {
        var url = await MakeImageUrlAsync();
        var id = url.Split("/v1/media/")[1].Split('?')[0];
        var links = Server.Services.GetRequiredService<MediaLinks>();
        var expired = links.Url(Server.BaseAddress.ToString(), id, DateTimeOffset.UtcNow.AddMinutes(-1));
        using var client = new HttpClient();
        var response = await client.GetAsync(expired);
        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Equal("link_expired", (await TaskApi.JsonAsync(response))["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_unknown_media_id_with_a_valid_signature_is_404()
    {
        var links = Server.Services.GetRequiredService<MediaLinks>();
        using var client = new HttpClient();
        var response = await client.GetAsync(links.Url(Server.BaseAddress.ToString(), "med_doesnotexist", DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_orphan_sweep_deletes_old_files_without_a_row_and_keeps_registered_and_recent_ones()
    {
        var url = await MakeImageUrlAsync();
        var id = url.Split("/v1/media/")[1].Split('?')[0];
        var store = Server.Services.GetRequiredService<IMediaStore>();
        var account = await Server.CreateAccountAsync(0);
        var png = await (await new HttpClient().GetAsync(url)).Content.ReadAsByteArrayAsync();

        // A crash between writing a file and registering it leaves a file without a row.
        var orphan = await store.WriteFileAsync(account.Id, png, "image/png", 1024, 1024, CancellationToken.None);
        var recent = await store.WriteFileAsync(account.Id, png, "image/png", 1024, 1024, CancellationToken.None);
        var mediaDir = Path.Combine(Server.DataDirectory, "media");
        string PathOf(string mediaId) => Directory.EnumerateFiles(mediaDir, mediaId, SearchOption.AllDirectories).Single();
        var oldTime = DateTime.UtcNow.AddHours(-2);
        File.SetLastWriteTimeUtc(PathOf(orphan.Id), oldTime);
        File.SetLastWriteTimeUtc(PathOf(id), oldTime);
        var leftover = Path.Combine(Path.GetDirectoryName(PathOf(id))!, id + ".tmp-0123");
        await File.WriteAllBytesAsync(leftover, [1, 2, 3]);
        File.SetLastWriteTimeUtc(leftover, oldTime);

        var deleted = await store.SweepOrphansAsync(DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None);

        Assert.True(deleted >= 2, $"deleted {deleted}");
        Assert.Empty(Directory.EnumerateFiles(mediaDir, orphan.Id, SearchOption.AllDirectories));
        Assert.False(File.Exists(leftover));
        Assert.Single(Directory.EnumerateFiles(mediaDir, recent.Id, SearchOption.AllDirectories));
        using var browser = new HttpClient();
        var served = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(png, await served.Content.ReadAsByteArrayAsync());
        await store.DeleteFileAsync(recent, CancellationToken.None);
    }
}
