using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Media;

namespace Nanogate.IntegrationTests.OpenAi;

/// <summary>
/// Money on an unexpected fault while URL images are stored (not the store's own full/unavailable refusal, which is a
/// 507/503 covered by the disk campaign): the caller gets a 500 and nothing, so the whole hold is released at once —
/// not left reserved until the abandoned-hold sweeper (Billing:AbandonedHoldSeconds, 30 minutes) finds it.
/// </summary>
public sealed class OpenAiStoreFaultTests
{
    [Fact]
    public async Task A_fault_while_storing_url_images_releases_the_hold_at_once_and_charges_nothing()
    {
        await using var server = await NanogateServer.StartAsync(builder =>
        {
            var registered = builder.Services.Last(d => d.ServiceType == typeof(IMediaStore));
            builder.Services.Remove(registered);
            builder.Services.AddSingleton(registered.ImplementationType!);
            builder.Services.AddSingleton<IMediaStore>(sp => new FaultyMediaStore((IMediaStore)sp.GetRequiredService(registered.ImplementationType!)));
        });
        var account = await server.CreateAccountAsync(1_000);

        using var client = account.Client();
        var response = await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a lighthouse", n = 2, response_format = "url" });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var balance = await account.BalanceAsync();
        Assert.Equal(1_000, balance.Available);
        Assert.Equal(0, balance.Reserved);
        Assert.Equal(0, balance.Charged);
        await server.AssertLedgerConsistentAsync(account.Id);
    }

    /// <summary>Stores nothing: every save throws a fault that is not a <see cref="MediaStoreException"/>.</summary>
    private sealed class FaultyMediaStore(IMediaStore inner) : IMediaStore
    {
        public Task<StoredMedia> SaveAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("injected fault: not a storage refusal");

        public Task<StoredMedia> WriteFileAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("injected fault: not a storage refusal");

        public Task DeleteFileAsync(StoredMedia media, CancellationToken cancellationToken) => inner.DeleteFileAsync(media, cancellationToken);

        public Task<StoredMedia?> FindAsync(string id, CancellationToken cancellationToken) => inner.FindAsync(id, cancellationToken);

        public Task<Stream?> OpenReadAsync(StoredMedia media, CancellationToken cancellationToken) => inner.OpenReadAsync(media, cancellationToken);

        public Uri? DirectLink(StoredMedia media, DateTimeOffset until) => inner.DirectLink(media, until);

        public Task<int> SweepOrphansAsync(DateTimeOffset writtenBefore, CancellationToken cancellationToken) => inner.SweepOrphansAsync(writtenBefore, cancellationToken);

        public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => inner.PurgeExpiredAsync(now, cancellationToken);

        public Task CheckWritableAsync(CancellationToken cancellationToken) => inner.CheckWritableAsync(cancellationToken);
    }
}
