using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;
using Nanogate.Media;
using Nanogate.Media.Files;
using Nanogate.Storage;
using Nanogate.Storage.Media;

namespace Nanogate.IntegrationTests.Media;

/// <summary><c>Media:Provider=files</c>: the folder setting, several processes on one folder, and readiness.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // read-only folders by Unix mode bits (and chattr for root)
public sealed class FileMediaStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nanogate-media-").FullName;

    public void Dispose()
    {
        SetImmutable(_folder, false);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Media_Directory_puts_the_files_in_that_folder_and_they_download_byte_identical()
    {
        await using var server = await NanogateServer.StartAsync($"Media:Directory={_folder}");
        var account = await server.CreateAccountAsync(1000);
        using var client = account.Client();
        var task = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "folder" }, r => r.Headers.Add("Prefer", "wait=30")));
        var url = task["images"]![0]!["url"]!.GetValue<string>();
        var id = url.Split("/v1/media/")[1].Split('?')[0];

        var file = Assert.Single(Directory.EnumerateFiles(_folder, id, SearchOption.AllDirectories));
        Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "media")));
        using var browser = new HttpClient();
        Assert.Equal(await File.ReadAllBytesAsync(file), await browser.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task Two_processes_purging_and_sweeping_one_folder_at_once_delete_exactly_the_expired_and_the_old_orphans()
    {
        await using var server = await NanogateServer.StartAsync($"Media:Directory={_folder}");
        var index = server.Services.GetRequiredService<IMediaIndex>();
        var options = server.Services.GetRequiredService<IOptions<MediaOptions>>();
        var storage = server.Services.GetRequiredService<IOptions<StorageOptions>>();
        var account = await server.CreateAccountAsync(0);

        // Two processes: each its own store over the one folder and the one database.
        IMediaStore Process(TimeProvider time) => new MediaStore(index, new FileBlobStore(storage, options), options, time);
        var a = Process(TimeProvider.System);
        var b = Process(TimeProvider.System);
        var aYesterday = Process(new ShiftedTime(TimeSpan.FromHours(-25)));
        var expired = new List<StoredMedia>();
        var live = new List<(StoredMedia Media, byte[] Data)>();
        var oldOrphans = new List<StoredMedia>();
        var freshOrphans = new List<StoredMedia>();
        for (var i = 0; i < 50; i++)
        {
            var data = RandomNumberGenerator.GetBytes(100 + i);
            expired.Add(await aYesterday.SaveAsync(account.Id, data, "image/png", 1, 1, CancellationToken.None));
            live.Add((await (i % 2 == 0 ? a : b).SaveAsync(account.Id, data, "image/png", 1, 1, CancellationToken.None), data));
            var orphan = await (i % 2 == 0 ? b : a).WriteFileAsync(account.Id, data, "image/png", 1, 1, CancellationToken.None);
            if (i % 5 == 0)
            {
                // Just written by a process that has not committed its row yet: within the grace, it stays.
                freshOrphans.Add(orphan);
            }
            else
            {
                File.SetLastWriteTimeUtc(PathOf(orphan.Id), DateTime.UtcNow.AddHours(-2));
                oldOrphans.Add(orphan);
            }
        }

        foreach (var (media, _) in live.Take(10))
        {
            File.SetLastWriteTimeUtc(PathOf(media.Id), DateTime.UtcNow.AddHours(-2)); // old but registered: stays
        }

        var now = DateTimeOffset.UtcNow;
        var grace = now.AddHours(-1);
        await Task.WhenAll(
            Task.Run(() => a.PurgeExpiredAsync(now, CancellationToken.None)), Task.Run(() => b.PurgeExpiredAsync(now, CancellationToken.None)),
            Task.Run(() => a.SweepOrphansAsync(grace, CancellationToken.None)), Task.Run(() => b.SweepOrphansAsync(grace, CancellationToken.None)),
            Task.Run(() => a.SweepOrphansAsync(grace, CancellationToken.None)), Task.Run(() => b.PurgeExpiredAsync(now, CancellationToken.None)));

        var left = Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order();
        Assert.Equal(live.Select(l => l.Media.Id).Concat(freshOrphans.Select(o => o.Id)).Order(), left);
        foreach (var media in expired)
        {
            Assert.NotNull((await index.FindAsync(media.Id, CancellationToken.None))!.PurgedAt);
        }

        foreach (var (media, data) in live)
        {
            await using var stream = await a.OpenReadAsync(media, CancellationToken.None);
            using var copy = new MemoryStream();
            await stream!.CopyToAsync(copy);
            Assert.Equal(data, copy.ToArray());
        }
    }

    [Fact]
    public async Task Readyz_is_ready_with_a_writable_folder_and_503_with_a_read_only_one()
    {
        await using var server = await NanogateServer.StartAsync($"Media:Directory={_folder}");
        var ready = await server.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await TaskApi.JsonAsync(ready))["status"]!.GetValue<string>());
        Assert.Empty(Directory.EnumerateFileSystemEntries(_folder)); // the probe cleaned up after itself

        MakeReadOnly(_folder);
        await S3MediaStoreTests.AssertNotReadyAsync(server);

        SetImmutable(_folder, false);
        File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/readyz")).StatusCode);
    }

    private string PathOf(string id) => Directory.EnumerateFiles(_folder, id, SearchOption.AllDirectories).Single();

    private static void MakeReadOnly(string folder)
    {
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        var probe = Path.Combine(folder, "can-i-write");
        try
        {
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        // Root ignores permission bits (as in this repository's CI containers): the immutable attribute stops it.
        SetImmutable(folder, true);
        try
        {
            File.WriteAllBytes(probe, [1]);
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }
        catch (IOException)
        {
            return;
        }

        throw new InvalidOperationException($"Could not make {folder} read-only (chmod and chattr +i both left it writable); this test needs one of them.");
    }

    private static void SetImmutable(string folder, bool on)
    {
        if (Environment.UserName != "root" || !Directory.Exists(folder))
        {
            return;
        }

        try
        {
            using var chattr = Process.Start(new ProcessStartInfo("chattr", [on ? "+i" : "-i", folder]) { RedirectStandardError = true });
            chattr!.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No chattr here: MakeReadOnly says so if it was needed.
        }
    }
}
