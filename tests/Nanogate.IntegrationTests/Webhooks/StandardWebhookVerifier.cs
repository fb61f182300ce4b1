using System.Security.Cryptography;
using System.Text;

namespace Nanogate.IntegrationTests.Webhooks;

/// <summary>
/// A receiver-side Standard Webhooks verifier written from the spec, independent of Nanogate's signer:
/// constant-time comparison, any of the space-separated <c>v1,</c> signatures may match, and the
/// timestamp must be within ±5 minutes of now.
/// </summary>
public static class StandardWebhookVerifier
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Null when the delivery verifies, else why not.</summary>
    public static string? Verify(string secret, string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatures))
        {
            return "missing webhook-id, webhook-timestamp or webhook-signature";
        }

        if (!long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
        {
            return "timestamp is not unix seconds";
        }

        var sent = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (sent < now - Tolerance || sent > now + Tolerance)
        {
            return "timestamp outside the tolerance";
        }

        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var signed = new byte[Encoding.UTF8.GetByteCount(id) + timestamp.Length + 2 + body.Length];
        var at = Encoding.UTF8.GetBytes($"{id}.{timestamp}.", signed);
        body.CopyTo(signed.AsSpan(at));
        var expected = HMACSHA256.HashData(key, signed);

        foreach (var candidate in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = candidate.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || candidate[..comma] != "v1")
            {
                continue;
            }

            var decoded = new byte[32];
            if (Convert.TryFromBase64String(candidate[(comma + 1)..], decoded, out var written) && written == expected.Length
                && CryptographicOperations.FixedTimeEquals(decoded.AsSpan(0, written), expected))
            {
                return null;
            }
        }

        return "no signature matches";
    }
}
