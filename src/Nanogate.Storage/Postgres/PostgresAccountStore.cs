using System.Security.Cryptography;
using Dapper;
using Nanogate.Storage.Accounts;

namespace Nanogate.Storage.Postgres;

/// <summary>Accounts, keys and settings on PostgreSQL.</summary>
public sealed class PostgresAccountStore(PostgresDatabase db, TimeProvider time) : IAccountStore
{
    private const string AccountColumns =
        "id AS Id, name AS Name, created_at AS CreatedAt, credits_available AS CreditsAvailable, webhook_secret AS WebhookSecret";

    private const string SetControlsSql =
        "UPDATE api_keys SET expires_at = @expiresAt, requests_per_minute = @rpm, images_per_minute = @ipm, daily_cap = @daily, monthly_cap = @monthly WHERE id = @keyId";

    private const string SettingSql = "SELECT value FROM settings WHERE key = @key";

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public Task<Account> CreateAccountAsync(string name, long initialCredits, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, tx) =>
        {
            var id = Ids.New("acct_", 16);
            var secret = IAccountStore.WebhookSecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var now = Now;
            await c.ExecuteAsync(
                "INSERT INTO accounts (id, name, created_at, credits_available, webhook_secret) VALUES (@id, @name, @now, 0, @secret)",
                new { id, name, now, secret }, tx).ConfigureAwait(false);
            var available = initialCredits > 0
                ? await PostgresLedgerCommands.TopUpAsync(c, tx, id, initialCredits, "initial credits", now).ConfigureAwait(false) ?? 0
                : 0;
            return new Account(id, name, DateTimeOffset.FromUnixTimeMilliseconds(now), available, secret);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Account?> GetAccountAsync(string accountId, CancellationToken cancellationToken) =>
        db.RunAsync(async c =>
        {
            var row = await c.QuerySingleOrDefaultAsync<AccountRow>($"SELECT {AccountColumns} FROM accounts WHERE id = @accountId", new { accountId }).ConfigureAwait(false);
            return row?.ToAccount();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken cancellationToken) =>
        db.RunAsync<IReadOnlyList<Account>>(async c =>
        {
            // COLLATE "C": ids tie-break byte-wise, as on SQLite, whatever the database's collation.
            var rows = await c.QueryAsync<AccountRow>($"SELECT {AccountColumns} FROM accounts ORDER BY created_at DESC, id COLLATE \"C\"").ConfigureAwait(false);
            return [.. rows.Select(r => r.ToAccount())];
        }, cancellationToken);

    /// <inheritdoc />
    public Task<CreatedApiKey> CreateKeyAsync(string accountId, string? name, string? exactKey, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, tx) =>
        {
            var key = exactKey ?? Ids.NewApiKey();
            var id = Ids.New("key_", 16);
            var prefix = key.Length > 10 ? key[..10] : key;
            var now = Now;
            await c.ExecuteAsync(
                "INSERT INTO api_keys (id, account_id, key_hash, prefix, name, created_at) VALUES (@id, @accountId, @hash, @prefix, @name, @now)",
                new { id, accountId, hash = Ids.HashKey(key), prefix, name, now }, tx).ConfigureAwait(false);
            return new CreatedApiKey(new ApiKeyRecord(id, accountId, prefix, name, null, DateTimeOffset.FromUnixTimeMilliseconds(now), null), key);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ApiKeyRecord>> ListKeysAsync(string accountId, CancellationToken cancellationToken) =>
        db.RunAsync<IReadOnlyList<ApiKeyRecord>>(async c =>
        {
            var rows = await c.QueryAsync<ApiKeyRow>($"SELECT {ApiKeyRow.Columns} FROM api_keys k WHERE k.account_id = @accountId ORDER BY k.created_at DESC", new { accountId }).ConfigureAwait(false);
            return [.. rows.Select(r => r.ToRecord())];
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ApiKeyLookup?> FindKeyByHashAsync(string keyHash, CancellationToken cancellationToken) =>
        db.RunAsync(async c =>
        {
            var row = await c.QuerySingleOrDefaultAsync<ApiKeyRow>(ApiKeyRow.LookupSql, new { keyHash }).ConfigureAwait(false);
            return row?.ToLookup();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RevokeKeyAsync(string keyId, CancellationToken cancellationToken) =>
        db.RunAsync(
            async c => await c.ExecuteAsync("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @now) WHERE id = @keyId", new { keyId, now = Now }).ConfigureAwait(false) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetKeyImageDeliveryAsync(string keyId, string? delivery, CancellationToken cancellationToken) =>
        db.RunAsync(
            async c => await c.ExecuteAsync("UPDATE api_keys SET image_delivery = @delivery WHERE id = @keyId", new { keyId, delivery }).ConfigureAwait(false) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetKeyControlsAsync(string keyId, KeyControls controls, CancellationToken cancellationToken) =>
        db.RunAsync(
            async c => await c.ExecuteAsync(SetControlsSql, ControlsParameters(keyId, controls)).ConfigureAwait(false) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task TouchKeysAsync(IReadOnlyDictionary<string, long> lastUsed, CancellationToken cancellationToken) =>
        db.RunAsync(
            c => c.ExecuteAsync(
                """
                UPDATE api_keys k SET last_used_at = u.at
                FROM unnest(@ids, @ats) AS u(id, at)
                WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)
                """,
                new { ids = lastUsed.Keys.ToArray(), ats = lastUsed.Values.ToArray() }),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetWebhookSecretAsync(string accountId, string secret, CancellationToken cancellationToken) =>
        db.RunAsync(
            async c => await c.ExecuteAsync("UPDATE accounts SET webhook_secret = @secret WHERE id = @id", new { secret, id = accountId }).ConfigureAwait(false) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<ApiKeyRecord?> FindKeyAsync(string keyId, CancellationToken cancellationToken) =>
        db.RunAsync(async c =>
        {
            var row = await c.QuerySingleOrDefaultAsync<ApiKeyRow>($"SELECT {ApiKeyRow.Columns} FROM api_keys k WHERE k.id = @keyId", new { keyId }).ConfigureAwait(false);
            return row?.ToRecord();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetKeyDialectSettingsAsync(string keyId, string? imagesApi, string? callbackFormat, CancellationToken cancellationToken) =>
        db.RunAsync(
            async c => await c.ExecuteAsync("UPDATE api_keys SET images_api = @imagesApi, callback_format = @callbackFormat WHERE id = @keyId", new { keyId, imagesApi, callbackFormat }).ConfigureAwait(false) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<string?> GetSettingAsync(string key, CancellationToken cancellationToken) =>
        db.RunAsync(c => c.ExecuteScalarAsync<string?>(SettingSql, new { key }), cancellationToken);

    /// <inheritdoc />
    public Task SetSettingAsync(string key, string value, CancellationToken cancellationToken) =>
        db.RunAsync(
            c => c.ExecuteAsync("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value", new { key, value }),
            cancellationToken);

    /// <inheritdoc />
    public async Task<string> GetOrAddSettingAsync(string key, string candidate, CancellationToken cancellationToken) =>
        (await db.WriteAsync(async (c, tx) =>
        {
            // A concurrent insert of the same key (another process starting) makes this one wait for its commit and then
            // do nothing; the select, a new statement with a new snapshot, then reads the value that won.
            await c.ExecuteAsync("INSERT INTO settings (key, value) VALUES (@key, @candidate) ON CONFLICT (key) DO NOTHING", new { key, candidate }, tx).ConfigureAwait(false);
            return await c.ExecuteScalarAsync<string>(SettingSql, new { key }, tx).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false))!;

    private static object ControlsParameters(string keyId, KeyControls controls) => new
    {
        keyId,
        expiresAt = controls.ExpiresAt?.ToUnixTimeMilliseconds(),
        rpm = (long?)controls.RequestsPerMinute,
        ipm = (long?)controls.ImagesPerMinute,
        daily = controls.DailyCap,
        monthly = controls.MonthlyCap,
    };

    private sealed record AccountRow(string Id, string Name, long CreatedAt, long CreditsAvailable, string WebhookSecret)
    {
        public Account ToAccount() => new(Id, Name, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), CreditsAvailable, WebhookSecret);
    }
}
