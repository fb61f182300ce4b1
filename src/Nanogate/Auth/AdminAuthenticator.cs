using System.Security.Cryptography;
using Nanogate.Storage;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Changes;

namespace Nanogate.Auth;

/// <summary>
/// Checks the admin key against its hash, in constant time. The hash comes from <c>Admin:ApiKey</c> (then it is
/// pinned: only configuration changes it) or from the database; a rotation on any process reaches every process
/// sharing the database through <see cref="IChangeFeed"/>.
/// </summary>
internal sealed class AdminAuthenticator : IDisposable
{
    /// <summary>The instance setting that holds the hex SHA-256 of the admin key when configuration does not set it.</summary>
    internal const string HashSetting = "admin_key_hash";

    private readonly IDisposable _subscription;
    private byte[]? _hash;

    /// <summary>Creates the authenticator, following admin key rotations published by any process.</summary>
    public AdminAuthenticator(IChangeFeed changes) =>
        _subscription = changes.Subscribe(ChangeTopics.AdminKey, hash =>
        {
            if (!IsPinned && hash is { Length: 64 } && hash.All(Uri.IsHexDigit))
            {
                _hash = Convert.FromHexString(hash);
            }
        });

    /// <summary>Whether the key comes from configuration (<c>Admin:ApiKey</c>), which a rotation cannot change.</summary>
    public bool IsPinned { get; private set; }

    /// <summary>Sets the hash of the admin key (hex SHA-256), at start; <paramref name="pinned"/> when configuration gave the key.</summary>
    public void SetHash(string hexHash, bool pinned = false)
    {
        _hash = Convert.FromHexString(hexHash);
        IsPinned = pinned;
    }

    /// <summary>Whether <paramref name="key"/> is the admin key (compared by hash, in constant time).</summary>
    public bool IsAdminKey(string? key)
    {
        var hash = _hash;
        if (key is null || hash is null)
        {
            return false;
        }

        var given = Convert.FromHexString(Ids.HashKey(key));
        return CryptographicOperations.FixedTimeEquals(given, hash);
    }

    /// <summary>
    /// Replaces the stored admin key with a new random one and returns it (shown once): the old key stops working
    /// here at once and on every other process within the change feed's delay. Not for a pinned key.
    /// </summary>
    public async Task<string> RotateAsync(IAccountStore accounts, IChangeFeed changes, CancellationToken cancellationToken)
    {
        if (IsPinned)
        {
            throw new InvalidOperationException("The admin key is set by configuration (Admin:ApiKey).");
        }

        var key = NewKey();
        var hash = Ids.HashKey(key);
        await accounts.SetSettingAsync(HashSetting, hash, cancellationToken).ConfigureAwait(false);
        _hash = Convert.FromHexString(hash);
        await changes.PublishAsync(ChangeTopics.AdminKey, hash, cancellationToken).ConfigureAwait(false);
        return key;
    }

    /// <summary>A new admin key: <c>sk-admin-</c> and the random part of a user key.</summary>
    internal static string NewKey() => "sk-admin-" + Ids.NewApiKey()[3..];

    /// <inheritdoc />
    public void Dispose() => _subscription.Dispose();
}
