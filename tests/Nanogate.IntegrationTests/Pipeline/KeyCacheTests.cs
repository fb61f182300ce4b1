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
        using var limits = new KeyRateLimits();
        using var recorder = new KeyUsageRecorder(accounts, Microsoft.Extensions.Logging.Abstractions.NullLogger<KeyUsageRecorder>.Instance);
        using var cache = new ApiKeyAuthenticator(accounts, clock, feed, limits, recorder);

        var first = await fixture.Server.CreateAccountAsync(1);
        Assert.Equal(first.Id, (await cache.AuthenticateAsync(first.Key, CancellationToken.None)).Caller?.AccountId);
        Assert.True(await accounts.RevokeKeyAsync(first.KeyId, CancellationToken.None));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull((await cache.AuthenticateAsync(first.Key, CancellationToken.None)).Caller);
        clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null((await cache.AuthenticateAsync(first.Key, CancellationToken.None)).Caller);

        var second = await fixture.Server.CreateAccountAsync(1);
        Assert.NotNull((await cache.AuthenticateAsync(second.Key, CancellationToken.None)).Caller);
        Assert.True(await accounts.RevokeKeyAsync(second.KeyId, CancellationToken.None));
        await feed.PublishAsync(ChangeTopics.Keys, null, CancellationToken.None);
        Assert.Null((await cache.AuthenticateAsync(second.Key, CancellationToken.None)).Caller);
    }

    [Fact]
    public async Task A_key_stops_at_its_expiry_on_the_injected_clock_even_while_cached()
    {
        var accounts = fixture.Server.Services.GetRequiredService<IAccountStore>();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-06-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var limits = new KeyRateLimits();
        using var recorder = new KeyUsageRecorder(accounts, Microsoft.Extensions.Logging.Abstractions.NullLogger<KeyUsageRecorder>.Instance);
        using var cache = new ApiKeyAuthenticator(accounts, clock, new InProcessChangeFeed(), limits, recorder);

        var account = await fixture.Server.CreateAccountAsync(1);
        var expires = clock.GetUtcNow().AddSeconds(10);
        Assert.True(await accounts.SetKeyControlsAsync(account.KeyId, KeyControls.None with { ExpiresAt = expires }, CancellationToken.None));
        Assert.NotNull((await cache.AuthenticateAsync(account.Key, CancellationToken.None)).Caller);
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.NotNull((await cache.AuthenticateAsync(account.Key, CancellationToken.None)).Caller);
        clock.Advance(TimeSpan.FromSeconds(1));
        var check = await cache.AuthenticateAsync(account.Key, CancellationToken.None);
        Assert.Null(check.Caller);
        Assert.Equal(KeyRefusal.Expired, check.Refusal);
        Assert.Equal(expires, check.ExpiredAt);
    }
}
