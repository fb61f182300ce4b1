using System.Security.Cryptography;
using Nanogate.Storage;

namespace Nanogate.Auth;

/// <summary>Checks the admin key against the stored hash, in constant time.</summary>
public sealed class AdminAuthenticator
{
    private byte[]? _hash;

    /// <summary>Sets the hash of the admin key (hex SHA-256), at start.</summary>
    public void SetHash(string hexHash) => _hash = Convert.FromHexString(hexHash);

    /// <summary>Whether the request carries the admin key as a Bearer token.</summary>
    public bool IsAdmin(HttpRequest request)
    {
        var key = ApiKeyAuthenticator.ExtractKey(request, geminiStyle: false);
        if (key is null || _hash is null)
        {
            return false;
        }

        var given = Convert.FromHexString(Ids.HashKey(key));
        return CryptographicOperations.FixedTimeEquals(given, _hash);
    }
}
