using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Media;

/// <summary>
/// <c>Media:MaxBytes</c>: a write past the quota first evicts expired media (oldest first) and is refused with 507
/// <c>storage_full</c>, uncharged, only when nothing expired can make room. The links live half an hour on a fake clock, so the
/// half hour passes without waiting.
/// </summary>
public sealed class MediaQuotaTests
{
    private static Task<HttpResponseMessage> UrlImageAsync(HttpClient client) =>
        client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a quota", response_format = "url" });

    private static long MediaBytes(NanogateServer server) =>
        Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "media"), "med_*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    [Fact]
    public async Task Past_the_quota_expired_media_is_evicted_first_and_only_then_a_write_is_refused_with_507()
    {
        // One image's size (the simulator's noise makes sizes vary by a few per cent): the quota holds one, not two.
        long one;
        await using (var probe = await NanogateServer.StartAsync())
        {
            var account = await probe.CreateAccountAsync(1_000);
            using var client = account.Client();
            Assert.Equal(HttpStatusCode.OK, (await UrlImageAsync(client)).StatusCode);
            one = MediaBytes(probe);
        }

        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await NanogateServer.StartAsync(
            builder => builder.Services.AddSingleton<TimeProvider>(clock),
            $"Media:MaxBytes={one * 3 / 2}", "Media:LinkTtlHours=0.5", "Media:SweepIntervalSeconds=3600", "Media:QuotaRefreshSeconds=3600");
        var owner = await server.CreateAccountAsync(1_000);
        using var http = owner.Client();

        var first = await UrlImageAsync(http);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var firstUrl = new Uri((await first.Content.ReadFromJsonAsync<JsonObject>())!["data"]![0]!["url"]!.GetValue<string>());

        // The first image is still live: no room, nothing to evict.
        var refused = await UrlImageAsync(http);
        Assert.Equal(HttpStatusCode.InsufficientStorage, refused.StatusCode);
        Assert.Equal("storage_full", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(1_000 - 45, (await owner.BalanceAsync()).Available);

        // A minute before the half hour it is still live; once it has expired (its link answers 410; the periodic sweep is
        // at the hour), the next write evicts it.
        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync(firstUrl)).StatusCode);
        Assert.Equal(HttpStatusCode.InsufficientStorage, (await UrlImageAsync(http)).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.Gone, (await server.Client.GetAsync(firstUrl)).StatusCode);
        Assert.True(MediaBytes(server) > 0);
        var third = await UrlImageAsync(http);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(1_000 - 90, (await owner.BalanceAsync()).Available); // the two refused writes were not charged
        Assert.True(MediaBytes(server) <= one * 3 / 2, "only the new image is on disk");
        await server.AssertLedgerConsistentAsync(owner.Id);
    }
}
