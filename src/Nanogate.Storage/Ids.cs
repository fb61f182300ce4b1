using System.Security.Cryptography;

namespace Nanogate.Storage;

/// <summary>Random, URL-safe identifiers with a type prefix (acct_…, key_…, task_…).</summary>
public static class Ids
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    /// <summary>A new id: <paramref name="prefix"/> followed by <paramref name="length"/> random base62 characters.</summary>
    public static string New(string prefix, int length = 20) => prefix + RandomNumberGenerator.GetString(Alphabet, length);

    /// <summary>A new user API key: "sk-" and 48 random base62 characters (about 285 bits).</summary>
    public static string NewApiKey() => "sk-" + RandomNumberGenerator.GetString(Alphabet, 48);

    /// <summary>SHA-256 of a key, hex. Keys are long random strings, so a fast hash is the right tool (no dictionary to attack).</summary>
    public static string HashKey(string key) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
}
