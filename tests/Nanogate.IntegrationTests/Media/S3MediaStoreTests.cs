using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;
using Nanogate.Media;
using Nanogate.Media.S3;
using Nanogate.Storage.Media;

namespace Nanogate.IntegrationTests.Media;

/// <summary><c>Media:Provider=s3</c> against a real S3-compatible server (s3rver, see <see cref="S3TestServer"/>).</summary>
public sealed partial class S3MediaStoreTests
{
    private readonly string _prefix = S3TestServer.NewPrefix();

    private Task<NanogateServer> StartAsync(params string[] more) => NanogateServer.StartAsync(S3TestServer.Settings(_prefix, more));

    [S3Fact]
    public async Task Bytes_round_trip_exactly_with_their_content_type_under_a_day_prefix()
    {
        await using var server = await StartAsync();
        var store = server.Services.GetRequiredService<IMediaStore>();
        var s3 = server.Services.GetRequiredService<IAmazonS3>();
        var account = await server.CreateAccountAsync(0);

        foreach (var size in new[] { 1, 70_001, (5 * 1024 * 1024) + 7 })
        {
            var data = RandomNumberGenerator.GetBytes(size);
            var media = await store.SaveAsync(account.Id, data, "image/webp", 10, 20, CancellationToken.None);

            var key = Assert.Single(await KeysAsync(s3, media.Id));
            Assert.Equal($"{_prefix}{DateTime.UtcNow:yyyy-MM-dd}/{media.Id}", key);
            var head = await s3.GetObjectMetadataAsync(S3TestServer.Bucket, key);
            Assert.Equal("image/webp", head.Headers.ContentType);
            Assert.Equal(size, head.Headers.ContentLength);

            var found = await store.FindAsync(media.Id, CancellationToken.None);
            await using var stream = await store.OpenReadAsync(found!, CancellationToken.None);
            Assert.NotNull(stream);
            Assert.False(stream.CanSeek); // the HTTP body itself, not a buffered copy
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            Assert.Equal(data, copy.ToArray());
        }
    }

    [S3Fact]
    public async Task A_task_image_is_stored_in_the_bucket_and_downloads_byte_identical_through_the_signed_link()
    {
        await using var server = await StartAsync();
        var url = await MakeImageUrlAsync(server);
        Assert.Matches(@"/v1/media/med_\d{8}\w+\?exp=\d+&sig=", url);

        using var browser = new HttpClient();
        var response = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        var served = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal((1024, 1024), Png.Size(served));

        var s3 = server.Services.GetRequiredService<IAmazonS3>();
        var key = Assert.Single(await KeysAsync(s3, IdOf(url)));
        Assert.Equal(served, await ObjectBytesAsync(s3, key));
        Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "media")), "an s3 store writes no media files");
    }

    [S3Fact]
    public async Task Gemini_url_delivery_hands_out_a_link_to_the_object_in_the_bucket()
    {
        await using var server = await StartAsync();
        var account = await server.CreateAccountAsync(1_000);
        using var client = account.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/nano-banana-2-lite:generateContent")
        {
            Content = System.Net.Http.Json.JsonContent.Create(Gemini.GeminiDialectTests.Body("a lighthouse", "16:9", modalities: ["IMAGE"])),
        };
        request.Headers.Add("x-nanogate-image-delivery", "url");
        var json = await TaskApi.JsonAsync(await client.SendAsync(request));
        var fileUri = json["candidates"]![0]!["content"]!["parts"]!.AsArray().Single(p => p!["fileData"] is not null)!["fileData"]!["fileUri"]!.GetValue<string>();

        using var browser = new HttpClient();
        var served = await browser.GetByteArrayAsync(fileUri);
        Assert.Equal((1376, 768), Png.Size(served));
        var s3 = server.Services.GetRequiredService<IAmazonS3>();
        var key = Assert.Single(await KeysAsync(s3, IdOf(fileUri)));
        Assert.Equal(served, await ObjectBytesAsync(s3, key));
        Assert.Equal("image/png", (await s3.GetObjectMetadataAsync(S3TestServer.Bucket, key)).Headers.ContentType);
    }

    [S3Fact]
    public async Task Presigned_links_redirect_to_the_bucket_for_at_most_seven_days_and_serve_the_same_bytes()
    {
        // Links that live 400 hours: longer than SigV4 allows a presigned URL.
        await using var server = await StartAsync("Media:S3:PresignedLinks=true", "Media:LinkTtlHours=400");
        var url = await MakeImageUrlAsync(server);

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var response = await noRedirects.GetAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith($"{S3TestServer.Endpoint}/{S3TestServer.Bucket}/{_prefix}", location.AbsoluteUri, StringComparison.Ordinal);
        Assert.True(location.Query.Contains("X-Amz-Signature=", StringComparison.Ordinal), location.Query);
        var expires = int.Parse(ExpiresParameter().Match(location.Query).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, (7 * 24 * 3600) - 120, 7 * 24 * 3600);

        using var browser = new HttpClient();
        var followed = await browser.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        Assert.Equal("image/png", followed.Content.Headers.ContentType!.MediaType);
        var s3 = server.Services.GetRequiredService<IAmazonS3>();
        Assert.Equal(await ObjectBytesAsync(s3, Assert.Single(await KeysAsync(s3, IdOf(url)))), await followed.Content.ReadAsByteArrayAsync());

        // A tampered Nanogate link is still refused before any redirect.
        Assert.Equal(HttpStatusCode.Forbidden, (await noRedirects.GetAsync(url.Replace("&sig=", "&sig=x", StringComparison.Ordinal))).StatusCode);
    }

    [S3Fact]
    public async Task Expired_media_answers_410_and_its_object_is_deleted()
    {
        // A day-long link on a fake clock: the day passes without waiting; only the sweep's deletes are awaited.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await NanogateServer.StartAsync(
            builder => builder.Services.AddSingleton<TimeProvider>(clock), S3TestServer.Settings(_prefix, "Media:LinkTtlHours=24", "Media:SweepIntervalSeconds=60"));
        var url = await MakeImageUrlAsync(server);
        var s3 = server.Services.GetRequiredService<IAmazonS3>();
        Assert.Single(await KeysAsync(s3, IdOf(url)));

        using var browser = new HttpClient();
        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await KeysAsync(s3, IdOf(url))).Count > 0 && DateTime.UtcNow < deadline)
        {
            clock.Advance(TimeSpan.FromMinutes(1)); // a sweeper tick
            await Task.Delay(50);
        }

        Assert.Empty(await KeysAsync(s3, IdOf(url)));
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(url)).StatusCode);
        Assert.NotNull((await server.Services.GetRequiredService<IMediaIndex>().FindAsync(IdOf(url), CancellationToken.None))!.PurgedAt);
    }

    [S3Fact]
    public async Task The_orphan_sweep_deletes_only_objects_without_a_row_older_than_the_grace()
    {
        await using var server = await StartAsync();
        var store = server.Services.GetRequiredService<IMediaStore>();
        var s3 = server.Services.GetRequiredService<IAmazonS3>();
        var account = await server.CreateAccountAsync(0);
        var png = TestImages.Png(64, 64);

        var registered = await store.SaveAsync(account.Id, png, "image/png", 64, 64, CancellationToken.None);
        var orphan = await store.WriteFileAsync(account.Id, png, "image/png", 64, 64, CancellationToken.None);

        // Written "30 hours ago" (under yesterday's or the day before's prefix): the sweep still looks there.
        var earlier = new MediaStore(server.Services.GetRequiredService<IMediaIndex>(), server.Services.GetRequiredService<IMediaBlobStore>(),
            server.Services.GetRequiredService<IOptions<MediaOptions>>(), new ShiftedTime(TimeSpan.FromHours(-30)));
        var oldOrphan = await earlier.WriteFileAsync(account.Id, png, "image/png", 64, 64, CancellationToken.None);
        Assert.Single(await KeysAsync(s3, oldOrphan.Id));
        var probe = $"{_prefix}{DateTime.UtcNow:yyyy-MM-dd}/probe-left-by-a-crash";
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = S3TestServer.Bucket, Key = probe, ContentBody = "probe" });

        // Everything was written just now: within the grace, it may be another process's uncommitted image.
        Assert.Equal(0, await store.SweepOrphansAsync(DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None));
        Assert.Single(await KeysAsync(s3, orphan.Id));

        // Past the grace: the objects without a row go, the registered one stays.
        Assert.Equal(3, await store.SweepOrphansAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
        Assert.Empty(await KeysAsync(s3, orphan.Id));
        Assert.Empty(await KeysAsync(s3, oldOrphan.Id));
        Assert.Empty(await KeysAsync(s3, "probe-left-by-a-crash"));
        Assert.Equal(png, await ObjectBytesAsync(s3, Assert.Single(await KeysAsync(s3, registered.Id))));
    }

    [S3Fact]
    public async Task Two_processes_purging_and_sweeping_one_bucket_at_once_delete_exactly_the_expired_and_the_orphans()
    {
        await using var server = await StartAsync();
        var s3 = server.Services.GetRequiredService<IAmazonS3>();
        var index = server.Services.GetRequiredService<IMediaIndex>();
        var options = server.Services.GetRequiredService<IOptions<MediaOptions>>();
        var s3Options = server.Services.GetRequiredService<IOptions<S3MediaOptions>>();
        var account = await server.CreateAccountAsync(0);

        // Two processes: each its own client and store over the one bucket and the one database.
        IMediaStore Process(TimeProvider time)
        {
            var client = S3MediaServiceCollectionExtensions.CreateClient(s3Options.Value);
            return new MediaStore(index, new S3BlobStore(client, s3Options, options, time), options, time);
        }

        var a = Process(TimeProvider.System);
        var b = Process(TimeProvider.System);
        var aYesterday = Process(new ShiftedTime(TimeSpan.FromHours(-25)));
        var expired = new List<StoredMedia>();
        var live = new List<(StoredMedia Media, byte[] Data)>();
        var orphans = new List<StoredMedia>();
        for (var i = 0; i < 20; i++)
        {
            var data = RandomNumberGenerator.GetBytes(100 + i);
            expired.Add(await aYesterday.SaveAsync(account.Id, data, "image/png", 1, 1, CancellationToken.None));
            live.Add((await (i % 2 == 0 ? a : b).SaveAsync(account.Id, data, "image/png", 1, 1, CancellationToken.None), data));
            orphans.Add(await (i % 2 == 0 ? b : a).WriteFileAsync(account.Id, data, "image/png", 1, 1, CancellationToken.None));
        }

        var now = DateTimeOffset.UtcNow;
        var pastGrace = now.AddMinutes(1);
        await Task.WhenAll(
            a.PurgeExpiredAsync(now, CancellationToken.None), b.PurgeExpiredAsync(now, CancellationToken.None),
            a.SweepOrphansAsync(pastGrace, CancellationToken.None), b.SweepOrphansAsync(pastGrace, CancellationToken.None),
            a.PurgeExpiredAsync(now, CancellationToken.None), b.SweepOrphansAsync(pastGrace, CancellationToken.None));

        var left = await AllKeysAsync(s3);
        Assert.Equal(live.Select(l => l.Media.Id).Order(), left.Select(k => k[(k.LastIndexOf('/') + 1)..]).Order());
        foreach (var media in expired)
        {
            Assert.NotNull((await index.FindAsync(media.Id, CancellationToken.None))!.PurgedAt);
        }

        foreach (var (media, data) in live)
        {
            await using var stream = await b.OpenReadAsync(media, CancellationToken.None);
            using var copy = new MemoryStream();
            await stream!.CopyToAsync(copy);
            Assert.Equal(data, copy.ToArray());
        }
    }

    [S3Fact]
    public async Task Readyz_is_ready_with_a_writable_bucket_and_503_with_a_missing_bucket_or_an_unreachable_store()
    {
        await using (var server = await StartAsync())
        {
            var ready = await server.Client.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("ready", (await TaskApi.JsonAsync(ready))["status"]!.GetValue<string>());
            Assert.Empty(await AllKeysAsync(server.Services.GetRequiredService<IAmazonS3>())); // the probe cleaned up after itself
        }

        await using (var server = await NanogateServer.StartAsync([.. S3TestServer.Settings(_prefix), "Media:S3:Bucket=no-such-bucket"]))
        {
            await AssertNotReadyAsync(server);
        }

        // A store nobody listens on, as after the S3 server stopped.
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using (var server = await NanogateServer.StartAsync([.. S3TestServer.Settings(_prefix), $"Media:S3:ServiceUrl=http://127.0.0.1:{port}"]))
        {
            await AssertNotReadyAsync(server);
        }
    }

    internal static async Task AssertNotReadyAsync(NanogateServer server)
    {
        var response = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await TaskApi.JsonAsync(response);
        Assert.Equal("unavailable", body["status"]!.GetValue<string>());
        Assert.StartsWith("media store not writable", body["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<string> MakeImageUrlAsync(NanogateServer server)
    {
        var account = await server.CreateAccountAsync(1000);
        using var client = account.Client();
        var task = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "s3 media" }, r => r.Headers.Add("Prefer", "wait=30")));
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        return task["images"]![0]!["url"]!.GetValue<string>();
    }

    private static string IdOf(string url) => url.Split("/v1/media/")[1].Split('?')[0];

    private async Task<List<string>> KeysAsync(IAmazonS3 s3, string nameEnd) =>
        [.. (await AllKeysAsync(s3)).Where(k => k.EndsWith("/" + nameEnd, StringComparison.Ordinal))];

    private async Task<List<string>> AllKeysAsync(IAmazonS3 s3)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = S3TestServer.Bucket, Prefix = _prefix };
        ListObjectsV2Response response;
        do
        {
            response = await s3.ListObjectsV2Async(request);
            keys.AddRange((response.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = response.NextContinuationToken;
        }
        while (response.IsTruncated == true);
        return keys;
    }

    private static async Task<byte[]> ObjectBytesAsync(IAmazonS3 s3, string key)
    {
        using var response = await s3.GetObjectAsync(S3TestServer.Bucket, key);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    [GeneratedRegex(@"X-Amz-Expires=(\d+)")]
    private static partial Regex ExpiresParameter();
}
