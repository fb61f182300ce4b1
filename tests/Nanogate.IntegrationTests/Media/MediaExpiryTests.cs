using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;

namespace Nanogate.IntegrationTests.Media;

/// <summary>
/// Media links live 24 hours and the sweeper deletes what expired: on a fake clock, so a day passes without waiting for it
/// (the server's TimeProvider is a <see cref="FakeTimeProvider"/>; only the purge itself is awaited).
/// </summary>
public sealed class MediaExpiryTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private NanogateServer _server = null!;

    public async Task InitializeAsync() => _server = await NanogateServer.StartAsync(
        builder => builder.Services.AddSingleton<TimeProvider>(_clock), "Media:LinkTtlHours=24", "Media:SweepIntervalSeconds=60");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Media_is_served_until_its_link_expires_then_answers_410_and_its_file_is_purged()
    {
        var account = await _server.CreateAccountAsync(1000);
        using var client = account.Client();
        var task = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "short lived" }, r => r.Headers.Add("Prefer", "wait=30")));
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        var url = task["images"]![0]!["url"]!.GetValue<string>();
        using var anonymous = new HttpClient();
        var mediaDir = Path.Combine(_server.DataDirectory, "media");
        Assert.NotEmpty(Directory.EnumerateFiles(mediaDir, "med_*", SearchOption.AllDirectories));

        _clock.Advance(TimeSpan.FromHours(23.99));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);
        Assert.NotEmpty(Directory.EnumerateFiles(mediaDir, "med_*", SearchOption.AllDirectories));

        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Gone, (await anonymous.GetAsync(url)).StatusCode);

        // Each minute advanced is a tick of the sweeper; the purge runs on the thread pool, so its end is awaited (not a time).
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Directory.EnumerateFiles(mediaDir, "med_*", SearchOption.AllDirectories).Any() && DateTime.UtcNow < deadline)
        {
            _clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(50);
        }

        Assert.Empty(Directory.EnumerateFiles(mediaDir, "med_*", SearchOption.AllDirectories));
    }
}
