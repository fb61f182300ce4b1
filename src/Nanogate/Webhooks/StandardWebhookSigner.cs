using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Nanogate.Webhooks;

/// <summary>
/// Signs webhook bodies per Standard Webhooks v1: HMAC-SHA256 over <c>{id}.{timestamp}.{body}</c>,
/// keyed with the base64-decoded part of the <c>whsec_…</c> secret.
/// </summary>
internal static class StandardWebhookSigner
{
    /// <summary>The prefix of account webhook secrets.</summary>
    public const string SecretPrefix = Storage.Accounts.IAccountStore.WebhookSecretPrefix;

    /// <summary>The <c>webhook-signature</c> value: <c>v1,&lt;base64 HMAC-SHA256&gt;</c>.</summary>
    /// <exception cref="FormatException">The secret is not <c>whsec_</c> followed by base64.</exception>
    public static string Sign(string whsecSecret, string msgId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(whsecSecret);
        ArgumentNullException.ThrowIfNull(msgId);
        var key = Convert.FromBase64String(whsecSecret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? whsecSecret[SecretPrefix.Length..]
            : whsecSecret);
        try
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            var prefix = $"{msgId}.{timestamp}.";
            var prefixBytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(prefix.Length));
            try
            {
                var written = Encoding.UTF8.GetBytes(prefix, prefixBytes);
                hmac.AppendData(prefixBytes.AsSpan(0, written));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(prefixBytes);
            }

            hmac.AppendData(body);
            Span<byte> mac = stackalloc byte[32];
            hmac.GetHashAndReset(mac);
            return "v1," + Convert.ToBase64String(mac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
