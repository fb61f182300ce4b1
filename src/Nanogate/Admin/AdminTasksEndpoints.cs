namespace Nanogate.Admin;

/// <summary>
/// The operator's usage report, <c>GET /admin/v1/usage</c> (<see cref="AdminUsageEndpoints"/>). The task list, search
/// and detail are <see cref="Manage.AdminConsoleTaskEndpoints"/>.
/// </summary>
internal static class AdminTasksEndpoints
{
    /// <summary>Maps the admin usage routes on the admin group (which checks the admin key).</summary>
    internal static RouteGroupBuilder MapAdminTasksRoutes(this RouteGroupBuilder admin)
    {
        admin.MapAdminUsageRoutes();
        return admin;
    }
}
