using Nanogate.Hosting;
using Nanogate.Storage.Reports;
using Nanogate.Storage.Tasks;
using Nanogate.Tasks;

namespace Nanogate.Admin;

/// <summary>
/// The operator's read-only views of work done: <c>GET /admin/v1/tasks</c> (recent tasks of every
/// account, with status and cost) and <c>GET /admin/v1/usage</c> (credits and images per account and model).
/// </summary>
public static class AdminTasksEndpoints
{
    /// <summary>Maps the admin task and usage routes on the admin group (which checks the admin key).</summary>
    internal static RouteGroupBuilder MapAdminTasksRoutes(this RouteGroupBuilder admin)
    {
        admin.MapGet("/tasks", ListTasksAsync);
        admin.MapAdminUsageRoutes();
        return admin;
    }

    private static async Task<IResult> ListTasksAsync(HttpContext context, IAdminReports reports, string? status, string? account_id, int? limit)
    {
        if (status is not null && !TaskStatuses.All.Contains(status))
        {
            return ApiError.Invalid($"status must be one of {string.Join(", ", TaskStatuses.All)}.", "status");
        }

        if (limit is < 1 or > 200)
        {
            return ApiError.Invalid("limit must be between 1 and 200.", "limit");
        }

        var tasks = await reports.ListTasksAsync(status, account_id, limit ?? 50, context.RequestAborted).ConfigureAwait(false);
        var rows = tasks.Select(t =>
        {
            var prompt = t.Prompt ?? string.Empty;
            return new
            {
                task_id = t.Id,
                @object = "task",
                account_id = t.AccountId,
                account_name = t.AccountName,
                model = t.Model,
                status = t.Status,
                n = t.N,
                images = new { succeeded = t.ImagesSucceeded, failed = t.ImagesFailed },
                // The prompt is the customer's text: the console shows a preview, not the whole of it.
                prompt_preview = prompt.Length > 120 ? prompt[..120] + "…" : prompt,
                aspect_ratio = t.AspectRatio,
                resolution = t.Resolution,
                credits = new { reserved = t.CreditsReserved, charged = t.CreditsCharged, refunded = t.CreditsRefunded },
                error = t.ErrorCode is null ? null : new { code = t.ErrorCode, message = t.ErrorMessage },
                created_at = TaskJson.Iso(t.CreatedAt),
                completed_at = TaskJson.Iso(t.CompletedAt),
            };
        }).ToList();

        return Results.Json(new { @object = "list", data = rows }, JsonDefaults.Snake);
    }
}
