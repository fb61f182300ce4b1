namespace Nanogate.Storage.Reports;

/// <summary>
/// Usage in one bucket for one combination of the grouped dimensions (a dimension not grouped by is null). Counted from
/// the reservations (every billed request of every dialect makes exactly one, and they outlive task retention), by the
/// time the request was made.
/// </summary>
/// <param name="BucketStart">Start of the bucket, unix ms (UTC).</param>
/// <param name="AccountId">The account, or null.</param>
/// <param name="KeyId">The key, or null.</param>
/// <param name="Model">The model, or null.</param>
/// <param name="Channel">The channel, or null.</param>
/// <param name="Requests">Billed requests (a task is one).</param>
/// <param name="Images">Images delivered.</param>
/// <param name="CreditsCharged">Credits captured.</param>
/// <param name="CreditsRefunded">Credits given back for work attempted that failed (see <see cref="Ledger.SettleUsage"/>).</param>
/// <param name="AccountName">The account's name as it is now, when grouped by account (null for an account that is gone).</param>
public sealed record UsageBucketRow(
    long BucketStart, string? AccountId, string? KeyId, string? Model, string? Channel, long Requests, long Images, long CreditsCharged, long CreditsRefunded, string? AccountName = null);
