namespace Nanogate.Storage.Accounts;

/// <summary>
/// The limits an operator sets on one API key; null means none. Enforced by the API: the expiry and the rate limits
/// when the key authenticates, the spending caps in the same transaction as each credit hold.
/// </summary>
/// <param name="ExpiresAt">After this instant the key answers 401 (expired).</param>
/// <param name="RequestsPerMinute">Requests the key may make per minute.</param>
/// <param name="ImagesPerMinute">Images the key may ask for per minute.</param>
/// <param name="DailyCap">Credits the key may spend (captured or held) per UTC day.</param>
/// <param name="MonthlyCap">Credits the key may spend (captured or held) per UTC calendar month.</param>
public sealed record KeyControls(DateTimeOffset? ExpiresAt, int? RequestsPerMinute, int? ImagesPerMinute, long? DailyCap, long? MonthlyCap)
{
    /// <summary>No limits.</summary>
    public static KeyControls None { get; } = new(null, null, null, null, null);

    /// <summary>Whether a spending cap applies (the hold must then check the key's spend).</summary>
    public bool Capped => DailyCap is not null || MonthlyCap is not null;
}
