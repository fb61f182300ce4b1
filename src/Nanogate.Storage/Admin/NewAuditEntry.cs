namespace Nanogate.Storage.Admin;

/// <summary>An admin action to record; the store stamps its id.</summary>
/// <param name="At">When (unix ms).</param>
/// <param name="Actor">Who: <c>admin:&lt;fingerprint&gt;</c> or <c>cli</c>.</param>
/// <param name="Action">What.</param>
/// <param name="Target">The id or name acted on, or null.</param>
/// <param name="Detail">JSON saying what changed, or null.</param>
/// <param name="Ip">The client's address, or null.</param>
public sealed record NewAuditEntry(long At, string Actor, string Action, string? Target, string? Detail, string? Ip);
