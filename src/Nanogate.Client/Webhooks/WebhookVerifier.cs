using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Nanogate.Client;

/// <summary>
/// Verifies Standard Webhooks (v1) deliveries: <c>webhook-signature</c> must hold a <c>v1,</c> HMAC-SHA256 of
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c> keyed with the secret (<c>whsec_</c> + base64, from
/// <see cref="NanogateClient.GetWebhookSecretAsync"/>), and the timestamp must be within the tolerance (5 minutes) of now.
/// Verify the body exactly as received, before parsing it.
/// </summary>
public sealed class WebhookVerifier
{
    /// <summary>How far a delivery's timestamp may be from now (the spec's 5 minutes).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string Prefix = "whsec_";
    private readonly byte[] _key;
    private readonly TimeProvider _time;

    /// <summary>A verifier for <paramref name="secret"/> (<c>whsec_…</c>, or the bare base64 key).</summary>
    /// <exception cref="ArgumentException">The secret is not base64 after its prefix.</exception>
    public WebhookVerifier(string secret, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        try
        {
            _key = Convert.FromBase64String(secret.StartsWith(Prefix, StringComparison.Ordinal) ? secret[Prefix.Length..] : secret);
        }
        catch (FormatException e)
        {
            throw new ArgumentException("The webhook secret must be whsec_ followed by base64.", nameof(secret), e);
        }

        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>How far a timestamp may be from now (default <see cref="DefaultTolerance"/>).</summary>
    public TimeSpan Tolerance { get; init; } = DefaultTolerance;

    /// <summary>Verifies a delivery given its headers (names in any case) and its body.</summary>
    /// <exception cref="WebhookVerificationException">It does not verify.</exception>
    public WebhookDelivery Verify(IEnumerable<KeyValuePair<string, string>> headers, string body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string? Header(string name) => headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        return Verify(Header("webhook-id"), Header("webhook-timestamp"), Header("webhook-signature"), body);
    }

    /// <summary>Verifies a delivery given its headers (multi-valued, as ASP.NET Core and <see cref="HttpClient"/> keep them) and its body.</summary>
    /// <exception cref="WebhookVerificationException">It does not verify.</exception>
    public WebhookDelivery Verify(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, string body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        string? Header(string name) => headers
            .Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase))
            .Select(h => string.Join(' ', h.Value))
            .FirstOrDefault();
        return Verify(Header("webhook-id"), Header("webhook-timestamp"), Header("webhook-signature"), body);
    }

    /// <summary>Verifies a delivery given its three headers and its body.</summary>
    /// <exception cref="WebhookVerificationException">It does not verify.</exception>
    public WebhookDelivery Verify(string? webhookId, string? webhookTimestamp, string? webhookSignature, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(webhookTimestamp) || string.IsNullOrEmpty(webhookSignature))
        {
            throw new WebhookVerificationException("Missing webhook-id, webhook-timestamp or webhook-signature header.");
        }

        if (!long.TryParse(webhookTimestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new WebhookVerificationException($"webhook-timestamp '{webhookTimestamp}' is not a Unix time in seconds.");
        }

        var timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var skew = _time.GetUtcNow() - timestamp;
        if (skew > Tolerance)
        {
            throw new WebhookVerificationException($"The webhook timestamp is too old ({skew.TotalSeconds:0} s; tolerance {Tolerance.TotalSeconds:0} s).");
        }

        if (-skew > Tolerance)
        {
            throw new WebhookVerificationException($"The webhook timestamp is in the future ({-skew.TotalSeconds:0} s; tolerance {Tolerance.TotalSeconds:0} s).");
        }

        var expected = Sign(webhookId, seconds, body);
        foreach (var candidate in webhookSignature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = candidate.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || candidate[..comma] != "v1")
            {
                continue;
            }

            byte[] given;
            try
            {
                given = Convert.FromBase64String(candidate[(comma + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return new WebhookDelivery(webhookId, timestamp, body);
            }
        }

        throw new WebhookVerificationException("No v1 signature in webhook-signature matches the body (wrong secret, or the body was changed).");
    }

    /// <summary>Verifies a delivery received with <see cref="HttpClient"/>-style headers.</summary>
    /// <exception cref="WebhookVerificationException">It does not verify.</exception>
    public WebhookDelivery Verify(HttpHeaders headers, string body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Verify((IEnumerable<KeyValuePair<string, IEnumerable<string>>>)headers, body);
    }

    /// <summary>The <c>v1,…</c> signature of a delivery (for tests and for senders).</summary>
    public string Sign(string webhookId, DateTimeOffset timestamp, string body) =>
        "v1," + Convert.ToBase64String(Sign(webhookId, timestamp.ToUnixTimeSeconds(), body));

    private byte[] Sign(string webhookId, long seconds, string body) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{webhookId}.{seconds.ToString(CultureInfo.InvariantCulture)}.{body}"));
}
