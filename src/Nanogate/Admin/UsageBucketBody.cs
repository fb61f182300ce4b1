namespace Nanogate.Admin;

/// <summary>One bucket of <c>GET /admin/v1/usage?bucket=</c>; a dimension not in <c>group_by</c> is null.</summary>
internal sealed record UsageBucketBody(
    DateTimeOffset BucketStart, string? AccountId, string? KeyId, string? Model, string? Channel, long Requests, long Images, long CreditsCharged, long CreditsRefunded);
