using System.Text.Json.Nodes;
using Nanogate.Auth;
using Nanogate.Storage;
using Nanogate.Storage.Admin;

namespace Nanogate.Admin.Manage;

/// <summary>
/// Records admin actions in the audit log: who (the admin key's fingerprint, or <c>cli</c>), what, on which
/// target, when and from which address. Route handlers name the action and add detail through
/// <see cref="HttpContext.Items"/>; <see cref="AdminAuditFilter"/> writes the entry once the action succeeded.
/// </summary>
internal static class AdminAudit
{
    /// <summary>The actor of the operator command line.</summary>
    public const string CliActor = "cli";

    private const string ActionItem = "nanogate.audit.action";
    private const string TargetItem = "nanogate.audit.target";
    private const string DetailItem = "nanogate.audit.detail";

    /// <summary>Names the request's action, its target and what changed (never a key or a secret).</summary>
    public static void Describe(HttpContext context, string action, string? target, JsonObject? detail = null)
    {
        context.Items[ActionItem] = action;
        context.Items[TargetItem] = target;
        context.Items[DetailItem] = detail;
    }

    /// <summary>
    /// <c>admin:</c> and the first 12 hex digits of the SHA-256 of the admin key the request carries: enough to tell
    /// keys apart across rotations, useless for guessing the key.
    /// </summary>
    public static string ActorOf(HttpContext context) =>
        ApiKeyAuthenticationHandler.KeyOf(context) is { } key ? "admin:" + Ids.HashKey(key)[..12] : "admin";

    /// <summary>The entry for a request that succeeded, from what its handler described or its route.</summary>
    public static NewAuditEntry EntryFor(HttpContext context, long now)
    {
        var action = context.Items[ActionItem] as string ?? DefaultAction(context);
        var target = context.Items.ContainsKey(TargetItem) ? context.Items[TargetItem] as string : DefaultTarget(context);
        var detail = (context.Items[DetailItem] as JsonObject)?.ToJsonString();
        return new NewAuditEntry(now, ActorOf(context), action, target, detail, context.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>Records an action of the operator command line (actor <c>cli</c>, no address).</summary>
    public static Task RecordCliAsync(IServiceProvider services, string action, string? target, JsonObject? detail, CancellationToken cancellationToken)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds();
        return services.GetRequiredService<IAdminStore>().AppendAuditAsync(new NewAuditEntry(now, CliActor, action, target, detail?.ToJsonString(), null), cancellationToken);
    }

    private static string DefaultAction(HttpContext context)
    {
        var pattern = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
        var route = pattern.StartsWith("/admin/v1", StringComparison.Ordinal) ? pattern["/admin/v1".Length..] : pattern;
        return (context.Request.Method, route) switch
        {
            ("POST", "/accounts") => "account.create",
            ("POST", "/accounts/{accountId}/keys") => "key.create",
            ("DELETE", "/keys/{keyId}") => "key.revoke",
            ("PATCH", "/keys/{keyId}") => "key.update",
            ("POST", "/accounts/{accountId}/credits") => "credits.top_up",
            ("POST", "/admin-key/rotate") => "admin_key.rotate",
            ("POST", "/channels") => "channel.create",
            ("PATCH", "/channels/{name}") => "channel.update",
            ("DELETE", "/channels/{name}") => "channel.delete",
            ("POST", "/channels/{name}/test") => "channel.test",
            (var method, var r) => method + " " + r,
        };
    }

    private static string? DefaultTarget(HttpContext context)
    {
        foreach (var name in (string[])["accountId", "keyId", "taskId", "name", "channel", "id"])
        {
            if (context.Request.RouteValues.TryGetValue(name, out var value) && value is string s)
            {
                return s;
            }
        }

        return null;
    }
}
