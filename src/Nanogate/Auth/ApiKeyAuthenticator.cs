using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;
using Nanogate.Storage;
using Nanogate.Storage.Accounts;

namespace Nanogate.Auth;

/// <summary>
/// Finds the caller of a request from its API key (Bearer, and on the Gemini dialect also
/// <c>x-goog-api-key</c> and <c>?key=</c>). Lookups are cached briefly by key hash; a revocation
/// in this process evicts at once.
/// </summary>
public sealed class ApiKeyAuthenticator(IAccountStore accounts, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Key, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

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

    /// <summary>The caller for a key, or null when the key is unknown or revoked.</summary>
    public async ValueTask<Caller?> AuthenticateAsync(string? key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 256)
        {
            return null;
        }

        var hash = Ids.HashKey(key);
        var now = time.GetUtcNow();
        if (!_cache.TryGetValue(hash, out var cached) || cached.Until <= now)
        {
            var record = await accounts.FindKeyByHashAsync(hash, cancellationToken).ConfigureAwait(false);
            cached = (record, now + CacheFor);
            if (_cache.Count > 100_000)
            {
                _cache.Clear();
            }

            _cache[hash] = cached;
        }

        return cached.Key is { RevokedAt: null } k ? new Caller(k.AccountId, k.Id, k.ImageDelivery, k.ImagesApi, k.CallbackFormat) : null;
    }

    /// <summary>Forgets cached lookups (after a key is revoked or changed).</summary>
    public void Invalidate() => _cache.Clear();
}
