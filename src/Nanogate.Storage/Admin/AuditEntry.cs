namespace Nanogate.Storage.Admin;

/// <summary>One admin action as recorded.</summary>
/// <param name="Id">Increasing with time; the paging cursor.</param>
/// <param name="At">When (unix ms).</param>
/// <param name="Actor">Who: <c>admin:&lt;fingerprint of the admin key&gt;</c> or <c>cli</c>.</param>
/// <param name="Action">What, e.g. <c>account.disable</c>.</param>
/// <param name="Target">The id or name acted on, or null.</param>
/// <param name="Detail">JSON saying what changed (never a key or secret), or null.</param>
/// <param name="Ip">The client's address, or null (the command line).</param>
public sealed record AuditEntry(long Id, long At, string Actor, string Action, string? Target, string? Detail, string? Ip);
