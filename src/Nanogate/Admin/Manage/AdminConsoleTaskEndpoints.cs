using System.Globalization;
using Nanogate.Hosting;
using Nanogate.Media;
using Nanogate.Storage.Admin;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Reports;
using Nanogate.Storage.Tasks;
using Nanogate.Tasks;

namespace Nanogate.Admin.Manage;

/// <summary>
/// The console's task routes: search (by task id, account, prompt text or account name) with filters and paging,
/// a detail view with signed image links, per-image errors and webhook deliveries, and a webhook re-send that
/// enqueues a new message through the outbox.
/// </summary>
internal static class AdminConsoleTaskEndpoints
{
    /// <summary>Maps the routes on the admin group (which checks the admin key).</summary>
    public static RouteGroupBuilder MapAdminConsoleTaskRoutes(this RouteGroupBuilder admin)
    {
        admin.MapGet("/tasks", SearchTasksAsync).Produces<AdminTaskList>().Produces<ApiErrorBody>(400);
        admin.MapGet("/tasks/{taskId}", GetTaskAsync).Produces<AdminTaskDetail>().Produces<ApiErrorBody>(404);
        admin.MapPost("/tasks/{taskId}/webhook", ResendWebhookAsync).Produces<AdminWebhookResend>(202).Produces<ApiErrorBody>(404).Produces<ApiErrorBody>(409);
        return admin;
    }

    private static async Task<IResult> SearchTasksAsync(HttpContext context, IAdminStore store, ITaskStore tasks)
    {
        if (!AdminConsoleEndpoints.TryLimit(context, out var limit, out var error))
        {
            return error!;
        }

        var status = AdminConsoleEndpoints.Query(context, "status");
        if (status is not null && !TaskStatuses.All.Contains(status))
        {
            return ApiError.Invalid($"status must be one of {string.Join(", ", TaskStatuses.All)}; got \"{AdminConsoleEndpoints.Clip(status)}\".", "status");
        }

        var search = AdminConsoleEndpoints.Query(context, "q");
        if (search is { Length: > 500 })
        {
            return ApiError.Invalid("q is longer than 500 characters; search by a task id, an account id or words of the prompt.", "q");
        }

        if (!TryTime(context, "from", out var from, out error) || !TryTime(context, "to", out var to, out error))
        {
            return error!;
        }

        if (from is not null && to is not null && from >= to)
        {
            return ApiError.Invalid("from must be before to.", "from");
        }

        var after = AdminConsoleEndpoints.Query(context, "after");
        if (after is not null && await tasks.GetAsync(after, null, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return ApiError.Invalid($"after must be the id of a task (the next_after of the previous page); no task {AdminConsoleEndpoints.Clip(after)}.", "after");
        }

        var query = new AdminTaskQuery(
            search, status, AdminConsoleEndpoints.Query(context, "model"), AdminConsoleEndpoints.Query(context, "account_id"), from, to, limit, after);
        var page = await store.SearchTasksAsync(query, context.RequestAborted).ConfigureAwait(false);
        var data = page.Data.Select(ListItem).ToList();
        return Results.Json(new AdminTaskList("list", data, page.Total, page.HasMore, page.HasMore ? data[^1].TaskId : null), AdminConsoleJsonContext.Default.AdminTaskList);
    }

    private static AdminTaskListItem ListItem(AdminTaskRow t)
    {
        // The prompt is the customer's text: the list shows a preview, the detail view the whole of it.
        var prompt = t.Prompt ?? string.Empty;
        return new AdminTaskListItem(
            t.Id, "task", t.AccountId, t.AccountName, t.Model, t.Status, t.N, new AdminTaskImageCounts(t.ImagesSucceeded, t.ImagesFailed),
            prompt.Length > 120 ? prompt[..120] + "…" : prompt, t.AspectRatio, t.Resolution,
            new AdminTaskCredits(t.CreditsReserved, t.CreditsCharged, t.CreditsRefunded),
            t.ErrorCode is null ? null : new AdminErrorInfo(t.ErrorCode, t.ErrorMessage),
            TaskJson.Iso(t.CreatedAt), TaskJson.Iso(t.CompletedAt));
    }

    /// <summary>Reads an ISO 8601 date or date-time (UTC unless it says otherwise) or unix milliseconds.</summary>
    private static bool TryTime(HttpContext context, string name, out long? value, out IResult? error)
    {
        value = null;
        error = null;
        if (AdminConsoleEndpoints.Query(context, name) is not { } raw)
        {
            return true;
        }

        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            value = ms;
            return true;
        }

        if (DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            value = at.ToUnixTimeMilliseconds();
            return true;
        }

        error = ApiError.Invalid($"{name} must be an ISO 8601 date or time (e.g. 2026-11-29 or 2026-11-29T13:00:00Z) or unix milliseconds; got \"{AdminConsoleEndpoints.Clip(raw)}\".", name);
        return false;
    }

    private static async Task<IResult> GetTaskAsync(HttpContext context, string taskId, ITaskStore tasks, IAdminStore store, MediaLinks links)
    {
        var snapshot = await tasks.GetAsync(taskId, null, context.RequestAborted).ConfigureAwait(false);
        if (snapshot is null)
        {
            return ApiError.NotFound($"No task {taskId}.");
        }

        var task = TaskJson.Render(snapshot, links.BaseUrl(context.Request), links);
        var urls = (task["images"]?.AsArray() ?? []).Where(i => i?["url"] is not null).ToDictionary(i => (long)i!["index"]!, i => (string?)i!["url"]);
        var images = snapshot.Images.Select(i => new AdminTaskImage(
            i.Idx, i.Status, i.Attempt, i.Channel, i.Charged, urls.GetValueOrDefault(i.Idx),
            i.ErrorCode is null ? null : new AdminErrorInfo(i.ErrorCode, i.ErrorMessage))).ToList();
        var account = await store.GetAccountAsync(snapshot.Task.AccountId, context.RequestAborted).ConfigureAwait(false);
        var webhooks = (await store.ListWebhookDeliveriesAsync(taskId, context.RequestAborted).ConfigureAwait(false)).Select(Delivery).ToList();
        return Results.Json(
            new AdminTaskDetail("admin_task", taskId, snapshot.Task.AccountId, account?.Name, task, images, webhooks),
            AdminConsoleJsonContext.Default.AdminTaskDetail);
    }

    private static AdminWebhookDelivery Delivery(WebhookAttemptRow w) => new(
        w.Id, w.Url, w.Status, w.Attempts, w.LastStatus, w.LastError, TaskJson.Iso(w.CreatedAt), TaskJson.Iso(w.NextAttemptAt), TaskJson.Iso(w.DeliveredAt));

    private static async Task<IResult> ResendWebhookAsync(
        HttpContext context, string taskId, ITaskStore tasks, IAdminStore store, ITaskEventRenderer events, IChangeFeed changes, TimeProvider time)
    {
        var snapshot = await tasks.GetAsync(taskId, null, context.RequestAborted).ConfigureAwait(false);
        if (snapshot is null)
        {
            return ApiError.NotFound($"No task {taskId}.");
        }

        var t = snapshot.Task;
        if (!t.IsTerminal)
        {
            return ApiError.Result(409, "task_not_ended", $"Task {taskId} is {t.Status}; its webhook is sent when it ends, and can be re-sent after that.");
        }

        var previous = await store.ListWebhookDeliveriesAsync(taskId, context.RequestAborted).ConfigureAwait(false);
        var targets = new[] { t.CallbackUrl, t.WebhookUrl }.Concat(previous.Select(p => p.Url))
            .Where(u => !string.IsNullOrEmpty(u)).Select(u => u!).Distinct(StringComparer.Ordinal).ToList();
        if (targets.Count == 0)
        {
            return ApiError.Result(409, "no_webhook", $"Task {taskId} has no callback_url and its account no webhook URL: there is nowhere to send it.");
        }

        // A fresh rendering: new signed links (the first message's may have expired) and the task as it stands now.
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var (payload, expiresAt) = events.Render(snapshot, now);
        var sent = new List<AdminWebhookDelivery>();
        foreach (var url in targets)
        {
            var id = await store.EnqueueWebhookAsync(t.AccountId, taskId, url, payload, now, Math.Max(expiresAt, now + 60_000), CancellationToken.None).ConfigureAwait(false);
            sent.Add(new AdminWebhookDelivery(id, url, "pending", 0, null, null, TaskJson.Iso(now), TaskJson.Iso(now), null));
        }

        await changes.PublishAsync(ChangeTopics.WebhooksDue, null, CancellationToken.None).ConfigureAwait(false);
        AdminAudit.Describe(context, "task.webhook_resend", taskId, new System.Text.Json.Nodes.JsonObject { ["messages"] = sent.Count });
        return Results.Json(new AdminWebhookResend("webhook_resend", taskId, sent), AdminConsoleJsonContext.Default.AdminWebhookResend, statusCode: 202);
    }
}
