namespace Nanogate.Storage.Accounts;

/// <summary>An API key as stored: never the key itself, only its hash and a display prefix.</summary>
/// <param name="Id">The key's id (<c>key_…</c>).</param>
/// <param name="AccountId">The account the key spends from.</param>
/// <param name="Prefix">The first characters of the key, shown to tell keys apart.</param>
/// <param name="Name">The key's label, if any.</param>
/// <param name="ImageDelivery">The key's default for the Gemini dialect's image delivery ("inline" or "url"), or null.</param>
/// <param name="CreatedAt">When the key was made.</param>
/// <param name="RevokedAt">When the key was revoked, or null while it is live.</param>
public sealed record ApiKeyRecord(string Id, string AccountId, string Prefix, string? Name, string? ImageDelivery, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>What <c>POST /v1/images/generations</c> is for this key: "tasks" (null) or "sync" (seed 004's synchronous answer).</summary>
    public string? ImagesApi { get; init; }

    /// <summary>The webhook body for this key's tasks: "envelope" (null, Standard Webhooks) or "task" (the bare task object).</summary>
    public string? CallbackFormat { get; init; }

    /// <summary>The key's limits (expiry, rate limits, spending caps).</summary>
    public KeyControls Controls { get; init; } = KeyControls.None;

    /// <summary>When the key last authenticated a request, to the minute (written at most once a minute per key), or null.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }
}
