using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;
using Nanogate.Storage;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Admin;
using Nanogate.Storage.Changes;

namespace Nanogate.Auth;

/// <summary>
/// Finds the caller of a request from its API key (Bearer, and on the Gemini dialect also
/// <c>x-goog-api-key</c> and <c>?key=</c>). Lookups are cached briefly by key hash; a change to keys
/// (revocation, settings) evicts at once in this process and, through <see cref="IChangeFeed"/>, in every
/// process sharing the database (the 30 s expiry is only the fallback for a lost notification). Disabling or enabling an
/// account publishes the same change, so its keys stop (403) or start working everywhere within the feed's latency.
/// </summary>
public sealed class ApiKeyAuthenticator : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Key, bool AccountDisabled, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly IAccountStore accounts;
    private readonly TimeProvider time;
    private readonly IChangeFeed changes;
    private readonly IAdminStore? admin;
    private readonly IDisposable _subscription;

    /// <summary>Creates the authenticator and subscribes it to key changes; without <paramref name="admin"/> no account counts as disabled.</summary>
    public ApiKeyAuthenticator(IAccountStore accounts, TimeProvider time, IChangeFeed changes, IAdminStore? admin = null)
    {
        this.accounts = accounts;
        this.admin = admin;
        this.time = time;
        this.changes = changes;
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

    /// <summary>The caller for a key, or null when the key is unknown or revoked or its account is disabled.</summary>
    public async ValueTask<Caller?> AuthenticateAsync(string? key, CancellationToken cancellationToken) =>
        (await CheckAsync(key, cancellationToken).ConfigureAwait(false)).Caller;

    /// <summary>
    /// The caller for a live key; or, for a live key whose account the operator disabled, no caller and the
    /// account's id (the request is answered 403, not 401); or neither.
    /// </summary>
    public async ValueTask<(Caller? Caller, string? DisabledAccountId)> CheckAsync(string? key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 256)
        {
            return (null, null);
        }

        var hash = Ids.HashKey(key);
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(hash, out var cached) || cached.Until <= now)
        {
            var record = await accounts.FindKeyByHashAsync(hash, cancellationToken).ConfigureAwait(false);
            var disabled = record is not null && admin is not null && await admin.IsAccountDisabledAsync(record.AccountId, cancellationToken).ConfigureAwait(false);
            cached = (record, disabled, now + CacheFor);
            if (_cache.Count > 100_000)
            {
                _cache.Clear();
            }

            _cache[hash] = cached;
        }

        return cached.Key switch
        {
            { RevokedAt: not null } or null => (null, null),
            { } k when cached.AccountDisabled => (null, k.AccountId),
            { } k => (new Caller(k.AccountId, k.Id, k.ImageDelivery, k.ImagesApi, k.CallbackFormat), null),
        };
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
