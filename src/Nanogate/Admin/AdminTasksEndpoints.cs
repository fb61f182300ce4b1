using Nanogate.Hosting;
using Nanogate.Storage.Reports;
using Nanogate.Storage.Tasks;
using Nanogate.Tasks;

namespace Nanogate.Admin;

/// <summary>
/// The operator's usage report: <c>GET /admin/v1/usage</c> (credits and images per account and model). The task
/// list, search and detail are <see cref="Manage.AdminConsoleTaskEndpoints"/>.
/// </summary>
public static class AdminTasksEndpoints
{
    /// <summary>Maps the admin task and usage routes on the admin group (which checks the admin key).</summary>
    internal static RouteGroupBuilder MapAdminTasksRoutes(this RouteGroupBuilder admin)
    {
        admin.MapGet("/usage", UsageAsync);
        return admin;
    }

    private static async Task<IResult> UsageAsync(HttpContext context, IAdminReports reports, TimeProvider time, int? days)
    {
        if (days is < 1 or > 3660)
        {
            return ApiError.Invalid("days must be between 1 and 3660.", "days");
        }

        var window = days ?? 30;
        var since = time.GetUtcNow().AddDays(-window).ToUnixTimeMilliseconds();
        var usage = await reports.UsageAsync(since, context.RequestAborted).ConfigureAwait(false);
        var rows = usage.Select(u => new
        {
            account_id = u.AccountId,
            account_name = u.AccountName,
            model = u.Model,
            requests = u.Requests,
            credits_charged = u.CreditsCharged,
            credits_refunded = u.CreditsRefunded,
            task_images_succeeded = u.TaskImagesSucceeded,
            task_images_failed = u.TaskImagesFailed,
        }).ToList();

        var channels = (await reports.ChannelUsageAsync(since, context.RequestAborted).ConfigureAwait(false))
            .Select(c => new { channel = c.Channel, task_images_succeeded = c.TaskImagesSucceeded, requests = c.Requests, credits_charged = c.CreditsCharged }).ToList();
        return Results.Json(new { @object = "list", days = window, data = rows, by_channel = channels }, JsonDefaults.Snake);
    }
}
