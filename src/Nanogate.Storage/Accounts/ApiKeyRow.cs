namespace Nanogate.Storage.Accounts;

/// <summary>
/// The row Dapper fills from <c>api_keys</c> on either provider (times are unix ms); the key lookup also fills
/// <see cref="AccountDisabledAt"/> from the joined account.
/// </summary>
internal sealed class ApiKeyRow
{
    /// <summary>The key's columns, from <c>api_keys</c> aliased <c>k</c>, named as this row's properties.</summary>
    public const string Columns =
        "k.id AS Id, k.account_id AS AccountId, k.prefix AS Prefix, k.name AS Name, k.image_delivery AS ImageDelivery, k.created_at AS CreatedAt, k.revoked_at AS RevokedAt, " +
        "k.images_api AS ImagesApi, k.callback_format AS CallbackFormat, k.expires_at AS ExpiresAt, k.requests_per_minute AS RequestsPerMinute, " +
        "k.images_per_minute AS ImagesPerMinute, k.daily_cap AS DailyCap, k.monthly_cap AS MonthlyCap, k.last_used_at AS LastUsedAt";

    /// <summary>
    /// The key with the hash <c>@keyHash</c> and its account's <c>disabled_at</c>: one joined read, so a key-cache miss
    /// costs one query, not one for the key and another for its account.
    /// </summary>
    public const string LookupSql =
        $"SELECT {Columns}, a.disabled_at AS AccountDisabledAt FROM api_keys k JOIN accounts a ON a.id = k.account_id WHERE k.key_hash = @keyHash";

    public string Id { get; set; } = "";

    public string AccountId { get; set; } = "";

    public string Prefix { get; set; } = "";

    public string? Name { get; set; }

    public string? ImageDelivery { get; set; }

    public long CreatedAt { get; set; }

    public long? RevokedAt { get; set; }

    public string? ImagesApi { get; set; }

    public string? CallbackFormat { get; set; }

    public long? ExpiresAt { get; set; }

    public long? RequestsPerMinute { get; set; }

    public long? ImagesPerMinute { get; set; }

    public long? DailyCap { get; set; }

    public long? MonthlyCap { get; set; }

    public long? LastUsedAt { get; set; }

    /// <summary>When the key's account was disabled (the lookup only), or null.</summary>
    public long? AccountDisabledAt { get; set; }

    /// <summary>The key as the store hands it out.</summary>
    public ApiKeyRecord ToRecord() => new(Id, AccountId, Prefix, Name, ImageDelivery, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt),
        RevokedAt is { } r ? DateTimeOffset.FromUnixTimeMilliseconds(r) : null)
    {
        ImagesApi = ImagesApi,
        CallbackFormat = CallbackFormat,
        Controls = new KeyControls(
            ExpiresAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null, (int?)RequestsPerMinute, (int?)ImagesPerMinute, DailyCap, MonthlyCap),
        LastUsedAt = LastUsedAt is { } u ? DateTimeOffset.FromUnixTimeMilliseconds(u) : null,
    };

    /// <summary>The key and its account's state, as the lookup by hash returns them.</summary>
    public ApiKeyLookup ToLookup() => new(ToRecord(), AccountDisabledAt is not null);
}
