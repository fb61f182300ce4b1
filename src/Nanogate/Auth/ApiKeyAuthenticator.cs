using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;
using Nanogate.Storage;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Changes;

namespace Nanogate.Auth;

/// <summary>
/// Finds the caller of a request from its API key (Bearer, and on the Gemini dialect also
/// <c>x-goog-api-key</c> and <c>?key=</c>). Lookups are cached briefly by key hash; a change to keys
/// (revocation, settings) evicts at once in this process and, through <see cref="IChangeFeed"/>, in every
/// process sharing the database (the 30 s expiry is only the fallback for a lost notification). Disabling or enabling an
/// account publishes the same change, so its keys stop (403) or start working everywhere within the feed's latency.
/// </summary>
internal sealed class ApiKeyAuthenticator : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (ApiKeyLookup? Found, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly IAccountStore accounts;
    private readonly TimeProvider time;
    private readonly IChangeFeed changes;
    private readonly KeyRateLimits limits;
    private readonly KeyUsageRecorder usage;
    private readonly IDisposable _subscription;

    /// <summary>Creates the authenticator and subscribes it to key changes.</summary>
    public ApiKeyAuthenticator(IAccountStore accounts, TimeProvider time, IChangeFeed changes, KeyRateLimits limits, KeyUsageRecorder usage)
    {
        this.accounts = accounts;
        this.time = time;
        this.changes = changes;
        this.limits = limits;
        this.usage = usage;
        _subscription = changes.Subscribe(ChangeTopics.Keys, _ => Invalidate());
    }

    /// <summary>The key a request carries, or null. <paramref name="geminiStyle"/> also accepts x-goog-api-key and ?key=.</summary>
    public static string? ExtractKey(HttpRequest request, bool geminiStyle)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (geminiStyle)
        {
            if (request.Headers.TryGetValue("x-goog-api-key", out StringValues goog) && !StringValues.IsNullOrEmpty(goog))
            {
                return goog.ToString().Trim();
            }

            if (request.Query.TryGetValue("key", out var query) && !StringValues.IsNullOrEmpty(query))
            {
                return query.ToString().Trim();
            }
        }

        return null;
    }

    /// <summary>
    /// The caller for a key, or why not: unknown or revoked, its account disabled by the operator, past its expiry, or over its requests per minute (a request
    /// refused for its rate takes no permit). A key that authenticates has its use recorded (<c>last_used_at</c>).
    /// </summary>
    public async ValueTask<KeyCheck> AuthenticateAsync(string? key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 256)
        {
            return new KeyCheck(null, KeyRefusal.Unknown);
        }

        var hash = Ids.HashKey(key);
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(hash, out var cached) || cached.Until <= now)
        {
            // One joined read: the key and whether its account is disabled.
            cached = (await accounts.FindKeyByHashAsync(hash, cancellationToken).ConfigureAwait(false), now + CacheFor);
            if (_cache.Count > 100_000)
            {
                _cache.Clear();
            }

            _cache[hash] = cached;
        }

        if (cached.Found is not { Key.RevokedAt: null } found)
        {
            return new KeyCheck(null, KeyRefusal.Unknown);
        }

        var k = found.Key;
        if (found.AccountDisabled)
        {
            return new KeyCheck(null, KeyRefusal.AccountDisabled, DisabledAccountId: k.AccountId);
        }

        // The expiry is checked against the clock at every request, so a cached lookup never outlives it.
        if (k.Controls.ExpiresAt is { } expires && expires <= now)
        {
            return new KeyCheck(null, KeyRefusal.Expired, ExpiredAt: expires);
        }

        if (k.Controls.RequestsPerMinute is { } rpm && limits.TryAcquire(k.Id, "requests", rpm, 1) is { } wait)
        {
            return new KeyCheck(null, KeyRefusal.RateLimited, RetryAfter: wait, Limit: rpm);
        }

        usage.Used(k.Id, now.ToUnixTimeMilliseconds());
        return new KeyCheck(new Caller(k.AccountId, k.Id, k.ImageDelivery, k.ImagesApi, k.CallbackFormat) { Controls = k.Controls }, KeyRefusal.Unknown);
    }

    /// <summary>Forgets cached lookups (after a key is revoked or changed).</summary>
    public void Invalidate() => _cache.Clear();

    /// <summary>
    /// After a committed change to keys: forgets this process's lookups at once (so the next request here
    /// sees it) and tells every other process to do the same.
    /// </summary>
    public async Task KeysChangedAsync(CancellationToken cancellationToken)
    {
        Invalidate();
        await changes.PublishAsync(ChangeTopics.Keys, null, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _subscription.Dispose();
}
