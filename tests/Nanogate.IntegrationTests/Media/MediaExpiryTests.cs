using System.Net;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;

namespace Nanogate.IntegrationTests.Media;

/// <summary>Media that lives about a second, swept every second.</summary>
public sealed class MediaExpiryTests : IAsyncLifetime
{
    private NanogateServer _server = null!;

    public async Task InitializeAsync() => _server = await NanogateServer.StartAsync("Media:LinkTtlHours=0.0004", "Media:SweepIntervalSeconds=1");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Expired_media_answers_410_and_its_file_is_purged()
    {
        var account = await _server.CreateAccountAsync(1000);
        using var client = account.Client();
        var task = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "short lived" }, r => r.Headers.Add("Prefer", "wait=30")));
        var url = task["images"]![0]!["url"]!.GetValue<string>();
        using var anonymous = new HttpClient();
        var mediaDir = Path.Combine(_server.DataDirectory, "media");
        Assert.NotEmpty(Directory.EnumerateFiles(mediaDir, "med_*", SearchOption.AllDirectories));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            status = (await anonymous.GetAsync(url)).StatusCode;
        }
        while (status != HttpStatusCode.Gone && DateTime.UtcNow < deadline);
        Assert.Equal(HttpStatusCode.Gone, status);

        deadline = DateTime.UtcNow.AddSeconds(10);
        while (Directory.EnumerateFiles(mediaDir, "med_*", SearchOption.AllDirectories).Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.Empty(Directory.EnumerateFiles(mediaDir, "med_*", SearchOption.AllDirectories));
    }
}
