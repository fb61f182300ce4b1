namespace Nanogate.Admin;

/// <summary>
/// One bucket of <c>GET /admin/v1/usage?bucket=</c>; a dimension not in <c>group_by</c> is null. Grouped by account, the
/// account's current name comes beside its id (so a console or a spreadsheet needs no second read to name it).
/// </summary>
internal sealed record UsageBucketBody(
    DateTimeOffset BucketStart, string? AccountId, string? AccountName, string? KeyId, string? Model, string? Channel, long Requests, long Images, long CreditsCharged, long CreditsRefunded);
