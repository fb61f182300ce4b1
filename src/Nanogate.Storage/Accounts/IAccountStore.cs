namespace Nanogate.Storage.Accounts;

/// <summary>Accounts, their API keys, and instance settings.</summary>
public interface IAccountStore
{
    /// <summary>The prefix of account webhook secrets (Standard Webhooks: <c>whsec_</c> + base64).</summary>
    const string WebhookSecretPrefix = "whsec_";

    /// <summary>Creates an account with a fresh webhook secret and, if <paramref name="initialCredits"/> &gt; 0, a top-up.</summary>
    Task<Account> CreateAccountAsync(string name, long initialCredits, CancellationToken cancellationToken);

    /// <summary>One account, or null.</summary>
    Task<Account?> GetAccountAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>All accounts, newest first.</summary>
    Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken cancellationToken);

    /// <summary>Creates a key; <paramref name="exactKey"/> forces its value (bootstrap demo key).</summary>
    Task<CreatedApiKey> CreateKeyAsync(string accountId, string? name, string? exactKey, CancellationToken cancellationToken);

    /// <summary>The keys of an account (revoked ones included).</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Looks a key up by its hash, with whether its account is disabled, in one read (what a key-cache miss costs);
    /// null when unknown.
    /// </summary>
    Task<ApiKeyLookup?> FindKeyByHashAsync(string keyHash, CancellationToken cancellationToken);

    /// <summary>A key by its id; null when unknown.</summary>
    Task<ApiKeyRecord?> FindKeyAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Revokes a key; false when no such key exists.</summary>
    Task<bool> RevokeKeyAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Sets a key's default image delivery ("inline", "url" or null); false when no such key.</summary>
    Task<bool> SetKeyImageDeliveryAsync(string keyId, string? delivery, CancellationToken cancellationToken);

    /// <summary>
    /// Sets a key's dialect settings for seed-platform clients (both written; null restores the default):
    /// images_api "tasks"/"sync" and callback_format "envelope"/"task". False when no such key.
    /// </summary>
    Task<bool> SetKeyDialectSettingsAsync(string keyId, string? imagesApi, string? callbackFormat, CancellationToken cancellationToken);

    /// <summary>Replaces a key's limits (all five: a null clears one); false when no such key.</summary>
    Task<bool> SetKeyControlsAsync(string keyId, KeyControls controls, CancellationToken cancellationToken);

    /// <summary>
    /// Records when keys were last used (unix ms per key id), in one write; a time older than the stored one is ignored.
    /// </summary>
    Task TouchKeysAsync(IReadOnlyDictionary<string, long> lastUsed, CancellationToken cancellationToken);

    /// <summary>Replaces an account's webhook signing secret; false when no such account.</summary>
    Task<bool> SetWebhookSecretAsync(string accountId, string secret, CancellationToken cancellationToken);

    /// <summary>An instance setting, or null.</summary>
    Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken);

    /// <summary>Sets an instance setting.</summary>
    Task SetSettingAsync(string key, string value, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="candidate"/> unless the setting exists, and returns the stored value, in one
    /// transaction: processes starting together agree on one value.
    /// </summary>
    Task<string> GetOrAddSettingAsync(string key, string candidate, CancellationToken cancellationToken);
}
