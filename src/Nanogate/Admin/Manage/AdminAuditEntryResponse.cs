using System.Text.Json.Nodes;

namespace Nanogate.Admin.Manage;

/// <summary>One recorded admin action.</summary>
/// <param name="Id">Increasing; the paging cursor.</param>
/// <param name="Object">"audit_entry".</param>
/// <param name="At">When (ISO 8601 UTC).</param>
/// <param name="Actor">Who: <c>admin:&lt;fingerprint of the admin key&gt;</c> or <c>cli</c>.</param>
/// <param name="Action">What, e.g. <c>account.disable</c>.</param>
/// <param name="Target">What it was done to, or null.</param>
/// <param name="Detail">What changed, or null.</param>
/// <param name="Ip">From where, or null (the command line).</param>
internal sealed record AdminAuditEntryResponse(long Id, string Object, string? At, string Actor, string Action, string? Target, JsonNode? Detail, string? Ip);
