using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Nanogate.Storage.Accounts;

namespace Nanogate.Media;

/// <summary>
/// Signed, expiring media URLs: <c>{base}/v1/media/{id}?exp={unix seconds}&amp;sig={base64url HMAC-SHA256 of "{id}.{exp}"}</c>.
/// The key is 32 random bytes kept in the <c>settings</c> table (<c>media_signing_key</c>), created on
/// first start (<see cref="InitializeAsync"/>, run by <see cref="MediaLinksInitializer"/>), so links survive
/// restarts and are valid on every process sharing the database.
/// </summary>
internal sealed class MediaLinks(IAccountStore settings, IOptions<MediaOptions> options, TimeProvider time, Hosting.PublicBaseUrl publicBase)
{
    private const string KeySetting = "media_signing_key";
    private volatile byte[]? _key;

    /// <summary>Loads the key, creating it if this is the first start. Runs before requests are served.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        // Stored unless present, then read back: two processes starting together agree on one key.
        var candidate = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var stored = await settings.GetOrAddSettingAsync(KeySetting, candidate, cancellationToken).ConfigureAwait(false);
        _key = Convert.FromBase64String(stored);
    }

    /// <summary>How long new media and links live (<c>Media:LinkTtlHours</c>).</summary>
    public TimeSpan Ttl => options.Value.LinkTtl;

    /// <summary>The absolute URL of a media item for a request's scheme and host.</summary>
    public string Url(HttpRequest request, string mediaId, DateTimeOffset expiresAt) => Url(BaseUrl(request), mediaId, expiresAt);

    /// <summary>The absolute URL of a media item under <paramref name="baseUrl"/> (scheme://host[:port], no trailing slash).</summary>
    public string Url(string baseUrl, string mediaId, DateTimeOffset expiresAt)
    {
        var exp = expiresAt.ToUnixTimeSeconds();
        return string.Create(CultureInfo.InvariantCulture, $"{baseUrl.TrimEnd('/')}/v1/media/{Uri.EscapeDataString(mediaId)}?exp={exp}&sig={Sign(mediaId, exp)}");
    }

    /// <summary>scheme://host[:port] for links in the answer to a request (see <see cref="Hosting.PublicBaseUrl"/>).</summary>
    public string BaseUrl(HttpRequest request) => publicBase.For(request);

    /// <summary>The signature of <c>{id}.{exp}</c>, base64url without padding.</summary>
    public string Sign(string mediaId, long exp)
    {
        var mac = HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{mediaId}.{exp}")));
        return Base64Url(mac);
    }

    /// <summary>Checks a link's query values in constant time; the signature is checked before the expiry.</summary>
    public MediaLinkCheck Check(string mediaId, string? exp, string? sig)
    {
        if (string.IsNullOrEmpty(sig) || string.IsNullOrEmpty(exp)
            || !long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expiry))
        {
            return MediaLinkCheck.BadSignature;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(mediaId, expiry));
        var given = Encoding.UTF8.GetBytes(sig);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return MediaLinkCheck.BadSignature;
        }

        return time.GetUtcNow().ToUnixTimeSeconds() >= expiry ? MediaLinkCheck.Expired : MediaLinkCheck.Valid;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // Signing can happen inside a write transaction (webhook payloads), so it must never take the write
    // gate: after start the key is in memory; before (tools, tests) it is read on its own connection.
    private byte[] Key => _key ??= ReadKey();

    private byte[] ReadKey()
    {
        // A read on its own pooled connection (never the writer's); SQLite's async calls complete synchronously.
        var stored = settings.GetSettingAsync(KeySetting, CancellationToken.None).GetAwaiter().GetResult()
            ?? throw new InvalidOperationException("The media signing key does not exist yet: call MediaLinks.InitializeAsync at start (MediaLinksInitializer does).");
        return Convert.FromBase64String(stored);
    }
}
