using Microsoft.Data.Sqlite;
using Nanogate.Auth;
using Nanogate.Hosting;
using Nanogate.Storage.Sqlite;

namespace Nanogate.Admin;

/// <summary>
/// The operator's read-only views of work done: <c>GET /admin/v1/tasks</c> (recent tasks of every
/// account, with status and cost) and <c>GET /admin/v1/usage</c> (credits and images per account and model).
/// </summary>
public static class AdminTasksEndpoints
{
    /// <summary>Maps the admin task and usage routes.</summary>
    public static IEndpointRouteBuilder MapAdminTasksApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/v1").AddEndpointFilter(async (context, next) =>
        {
            var auth = context.HttpContext.RequestServices.GetRequiredService<AdminAuthenticator>();
            return auth.IsAdmin(context.HttpContext.Request)
                ? await next(context).ConfigureAwait(false)
                : ApiError.Result(401, "unauthenticated", "This route needs the admin key as Authorization: Bearer <admin key> (printed on first start, or set Admin:ApiKey).");
        });
        admin.MapGet("/tasks", ListTasksAsync);
        admin.MapGet("/usage", UsageAsync);
        return routes;
    }

    private static readonly string[] Statuses = ["pending", "running", "succeeded", "partially_succeeded", "failed", "canceled"];

    private static string? Iso(SqliteDataReader r, int i) =>
        r.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static async Task<IResult> ListTasksAsync(HttpContext context, SqliteDatabase db, string? status, string? account_id, int? limit)
    {
        if (status is not null && !Statuses.Contains(status))
        {
            return ApiError.Invalid($"status must be one of {string.Join(", ", Statuses)}.", "status");
        }

        if (limit is < 1 or > 200)
        {
            return ApiError.Invalid("limit must be between 1 and 200.", "limit");
        }

        var rows = await db.ReadAsync(async c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = """
                SELECT t.id, t.account_id, a.name, t.model, t.status, t.n,
                       t.credits_reserved, t.credits_charged, t.credits_refunded,
                       t.error_code, t.error_message, t.created_at, t.completed_at,
                       json_extract(t.request, '$.prompt'), json_extract(t.request, '$.aspect_ratio'), json_extract(t.request, '$.resolution'),
                       (SELECT COUNT(*) FROM task_images i WHERE i.task_id = t.id AND i.status = 'succeeded'),
                       (SELECT COUNT(*) FROM task_images i WHERE i.task_id = t.id AND i.status = 'failed')
                FROM tasks t JOIN accounts a ON a.id = t.account_id
                WHERE ($status IS NULL OR t.status = $status) AND ($account IS NULL OR t.account_id = $account)
                ORDER BY t.created_at DESC, t.id DESC
                LIMIT $limit
                """;
            command.Parameters.AddWithValue("$status", (object?)status ?? DBNull.Value);
            command.Parameters.AddWithValue("$account", (object?)account_id ?? DBNull.Value);
            command.Parameters.AddWithValue("$limit", limit ?? 50);
            var list = new List<object>();
            using var r = await command.ExecuteReaderAsync(context.RequestAborted).ConfigureAwait(false);
            while (await r.ReadAsync(context.RequestAborted).ConfigureAwait(false))
            {
                var prompt = Str(r, 13) ?? string.Empty;
                list.Add(new
                {
                    task_id = r.GetString(0),
                    @object = "task",
                    account_id = r.GetString(1),
                    account_name = r.GetString(2),
                    model = r.GetString(3),
                    status = r.GetString(4),
                    n = r.GetInt32(5),
                    images = new { succeeded = r.GetInt32(16), failed = r.GetInt32(17) },
                    // The prompt is the customer's text: the console shows a preview, not the whole of it.
                    prompt_preview = prompt.Length > 120 ? prompt[..120] + "…" : prompt,
                    aspect_ratio = Str(r, 14),
                    resolution = Str(r, 15),
                    credits = new { reserved = r.GetInt64(6), charged = r.GetInt64(7), refunded = r.GetInt64(8) },
                    error = r.IsDBNull(9) ? null : new { code = r.GetString(9), message = Str(r, 10) },
                    created_at = Iso(r, 11),
                    completed_at = Iso(r, 12),
                });
            }

            return list;
        }, context.RequestAborted).ConfigureAwait(false);

        return Results.Json(new { @object = "list", data = rows }, JsonDefaults.Snake);
    }

    private static async Task<IResult> UsageAsync(HttpContext context, SqliteDatabase db, TimeProvider time, int? days)
    {
        if (days is < 1 or > 3660)
        {
            return ApiError.Invalid("days must be between 1 and 3660.", "days");
        }

        var window = days ?? 30;
        var since = time.GetUtcNow().AddDays(-window).ToUnixTimeMilliseconds();
        var rows = await db.ReadAsync(async c =>
        {
            // Credits from the reservations (every dialect bills through one), images from the task queue.
            using var command = c.CreateCommand();
            command.CommandText = """
                SELECT u.account_id, a.name, u.model,
                       SUM(u.requests), SUM(u.charged), SUM(u.refunded), SUM(u.images_ok), SUM(u.images_failed)
                FROM (
                    SELECT r.account_id, COALESCE(r.model, 'unknown') AS model, COUNT(*) AS requests,
                           SUM(r.captured) AS charged, SUM(r.released) AS refunded, 0 AS images_ok, 0 AS images_failed
                    FROM reservations r WHERE r.created_at >= $since
                    GROUP BY r.account_id, COALESCE(r.model, 'unknown')
                    UNION ALL
                    SELECT t.account_id, t.model, 0, 0, 0,
                           SUM(CASE WHEN i.status = 'succeeded' THEN 1 ELSE 0 END),
                           SUM(CASE WHEN i.status = 'failed' THEN 1 ELSE 0 END)
                    FROM tasks t JOIN task_images i ON i.task_id = t.id WHERE t.created_at >= $since
                    GROUP BY t.account_id, t.model
                ) u JOIN accounts a ON a.id = u.account_id
                GROUP BY u.account_id, u.model
                ORDER BY SUM(u.charged) DESC, a.name, u.model
                """;
            command.Parameters.AddWithValue("$since", since);
            var list = new List<object>();
            using var r = await command.ExecuteReaderAsync(context.RequestAborted).ConfigureAwait(false);
            while (await r.ReadAsync(context.RequestAborted).ConfigureAwait(false))
            {
                list.Add(new
                {
                    account_id = r.GetString(0),
                    account_name = r.GetString(1),
                    model = r.GetString(2),
                    requests = r.GetInt64(3),
                    credits_charged = r.GetInt64(4),
                    credits_refunded = r.GetInt64(5),
                    task_images_succeeded = r.GetInt64(6),
                    task_images_failed = r.GetInt64(7),
                });
            }

            return list;
        }, context.RequestAborted).ConfigureAwait(false);

        return Results.Json(new { @object = "list", days = window, data = rows }, JsonDefaults.Snake);
    }
}
