using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Nanogate.Auth;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Changes;

namespace Nanogate.IntegrationTests.Pipeline;

/// <summary>
/// The key cache behind the authentication handler, on the real account store with a fake clock: a revocation
/// whose notification was lost stops working when the 30 s cache runs out, and at once when it is notified.
/// </summary>
public sealed class KeyCacheTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task A_revoked_key_lives_at_most_the_cache_lifetime_without_a_notification_and_not_at_all_with_one()
    {
        var accounts = fixture.Server.Services.GetRequiredService<IAccountStore>();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-06-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var feed = new InProcessChangeFeed();
        using var cache = new ApiKeyAuthenticator(accounts, clock, feed);

        var first = await fixture.Server.CreateAccountAsync(1);
        Assert.Equal(first.Id, (await cache.AuthenticateAsync(first.Key, CancellationToken.None))?.AccountId);
        Assert.True(await accounts.RevokeKeyAsync(first.KeyId, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(await cache.AuthenticateAsync(first.Key, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(await cache.AuthenticateAsync(first.Key, CancellationToken.None));

        var second = await fixture.Server.CreateAccountAsync(1);
        Assert.NotNull(await cache.AuthenticateAsync(second.Key, CancellationToken.None));
        Assert.True(await accounts.RevokeKeyAsync(second.KeyId, CancellationToken.None));
        await feed.PublishAsync(ChangeTopics.Keys, null, CancellationToken.None);
        Assert.Null(await cache.AuthenticateAsync(second.Key, CancellationToken.None));
    }
}
