using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Nanogate.Auth;
using Nanogate.Core.Catalog;
using Nanogate.Hosting;
using Nanogate.Media;
using Nanogate.Pipeline;
using Nanogate.Storage;
using Nanogate.Storage.Ledger;
using Nanogate.Storage.Tasks;
using Nanogate.Tasks.Wire;
using Nanogate.Webhooks;

namespace Nanogate.Tasks;

/// <summary>The task dialect: submit, poll, list, cancel (API.md, Dialect 1).</summary>
internal static partial class TasksEndpoints
{
    private const int MaxWaitSeconds = 60;
    private static readonly TimeSpan IdempotencyLifetime = TimeSpan.FromHours(24);

    // An in-flight key older than this belongs to a request whose process died; it is taken over.
    private static readonly TimeSpan IdempotencyAbandonedAfter = TimeSpan.FromMinutes(5);

    /// <summary>Maps the task routes.</summary>
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder routes)
    {
        var tasks = routes.MapGroup("").WithDialect(Dialect.Nanogate).RequireAuthorization(NanogatePolicies.UserKey);
        // The task object is written by TaskJson and the submission read by TaskBodyReader; the records of Tasks/Wire describe them.
        tasks.MapPost("/v1/images/generations", SubmitAsync)
            .DescribesRequestBody<TaskSubmitRequest>("application/json")
            .Produces<TaskAccepted>(StatusCodes.Status202Accepted)
            .Produces<TaskObject>(StatusCodes.Status200OK)
            .ProducesErrors(Dialect.Nanogate, 402, 409, 413, 422, 429)
            .WithDescription("Submits a task (202 with Location). With Prefer: wait[=N] (N ≤ 60) the answer waits for the task to end: 200 with the task object. Idempotency-Key: 24 h; the same key with another body is 422, while the first is in flight 409.")
            // A key set to images_api "sync" is answered synchronously, in OpenAI's shape: bounded like the other synchronous routes.
            .WithSyncGenerationBound(Dialect.OpenAi, caller => caller.ImagesApi == "sync");
        tasks.MapGet("/v1/tasks", ListAsync).Produces<TaskList>();
        tasks.MapGet("/v1/tasks/{taskId}", GetAsync).Produces<TaskObject>().ProducesErrors(Dialect.Nanogate, 404);
        tasks.MapPost("/v1/tasks/{taskId}/cancel", CancelAsync).Produces<TaskObject>().ProducesErrors(Dialect.Nanogate, 404);
        return routes;
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext context,
        Caller caller,
        TaskRequestParser parser,
        ITaskStore store,
        IMediaStore media,
        MediaLinks links,
        ILedger ledger,
        Billing.CreditHolds credits,
        TaskSignals signals,
        TimeProvider time,
        IOptions<TasksOptions> tasksOptions,
        OpenAi.ImageGenerationsHandler syncImages)
    {
        // Up to 14 data URIs of 10 MB: the body is held once (TaskBodyReader says how and why).
        var (raw, readError) = await ReadBodyAsync(context).ConfigureAwait(false);
        if (readError is not null)
        {
            return readError;
        }

        if (!JsonBody.IsValidUtf8(raw.Span, out var utf8Error))
        {
            return ApiError.Invalid(utf8Error);
        }

        TaskBody body;
        try
        {
            if (TaskBodyReader.Parse(raw) is not { } parsed)
            {
                return ApiError.Invalid("The request body must be a JSON object.");
            }

            if (JsonBody.FindLoneSurrogate(raw.Span, parsed.Fields) is { } where)
            {
                return ApiError.Invalid(JsonBody.LoneSurrogateMessage(where));
            }

            body = parsed;
        }
        catch (JsonException e)
        {
            return ApiError.Invalid($"The request body is not valid JSON: {e.Message}");
        }

        // A key set to images_api "sync" (users of seed 004's synchronous platform) gets the images in the answer.
        if (caller.ImagesApi == "sync")
        {
            return await syncImages.HandleAsync(context, caller, body, urlByDefault: true).ConfigureAwait(false);
        }

        var idempotencyKey = context.Request.Headers["Idempotency-Key"].ToString();
        var keyed = !string.IsNullOrEmpty(idempotencyKey);
        if (keyed)
        {
            if (idempotencyKey.Length > 255)
            {
                return ApiError.Invalid("Idempotency-Key must be at most 255 characters.", "Idempotency-Key");
            }

            var now = time.GetUtcNow();
            var hash = RequestHash(context.Request.Path.Value, raw);
            var begun = await store.BeginIdempotentAsync(caller.AccountId, idempotencyKey, hash, now.ToUnixTimeMilliseconds(),
                (now - IdempotencyLifetime).ToUnixTimeMilliseconds(), (now - IdempotencyAbandonedAfter).ToUnixTimeMilliseconds(), context.RequestAborted).ConfigureAwait(false);
            switch (begun.State)
            {
                case IdempotencyState.Replay:
                    context.Response.Headers["Idempotent-Replayed"] = "true";
                    if (begun.Response!.Location is { } location)
                    {
                        context.Response.Headers.Location = location;
                    }

                    return Results.Text(begun.Response.Body, "application/json", Encoding.UTF8, begun.Response.Status);
                case IdempotencyState.Mismatch:
                    return ApiError.Result(422, "idempotency_key_reused", "This Idempotency-Key was already used with a different request body. Use a new key for a new request.");
                case IdempotencyState.InFlight:
                    return ApiError.Result(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed. Retry after it finishes to get its answer.");
            }
        }

        var created = false;
        try
        {
            var (parsed, error) = await parser.ParseAsync(body, otherKnownFields: null, context.RequestAborted).ConfigureAwait(false);

            // The images are decoded: the body buffer (and the slices of it) can go before the references are stored.
            raw = default;
            body = body with { InlineImages = new Dictionary<int, ReadOnlyMemory<byte>>() };
            if (error is not null)
            {
                return ApiError.Result(error.Status, error.Code, error.Message, error.Param);
            }

            var request = parsed!.Request;
            if (await QueueFullAsync(context, store, caller.AccountId, request.N, tasksOptions.Value).ConfigureAwait(false) is { } full)
            {
                return full;
            }

            var referenceIds = new List<string>(request.ReferenceImages.Count);
            foreach (var image in request.ReferenceImages)
            {
                var saved = await media.SaveAsync(caller.AccountId, image.Data, image.MimeType, image.Width, image.Height, context.RequestAborted).ConfigureAwait(false);
                referenceIds.Add(saved.Id);
            }

            var stored = new StoredTaskRequest(request.Prompt, request.AspectRatio?.ToString(), request.EffectiveRatio.ToString(),
                request.Size.ToWire(), request.N, request.ThinkingLevel, request.Search, referenceIds, request.Warnings)
            {
                // The request's choice, else the key's; the body is chosen when the webhook is rendered.
                CallbackFormat = (parsed.CallbackFormat ?? caller.CallbackFormat) == "task" ? "task" : null,
                TraceParent = Operations.NanogateActivity.CurrentTraceParent(),
            };
            var taskId = Ids.New("task_", 24);
            var price = request.PricePerImage;
            var location = "/v1/tasks/" + taskId;
            var accepted = new JsonObject
            {
                ["task_id"] = taskId,
                ["status"] = TaskStatuses.Pending,
                ["poll_url"] = location,
                ["request_id"] = context.TraceIdentifier,
                ["model"] = request.Model.Id,
                ["n"] = request.N,
                ["credits"] = new JsonObject { ["reserved"] = (long)request.N * price },
                ["warnings"] = new JsonArray([.. request.Warnings.Select(w => (JsonNode?)JsonValue.Create(w))]),
            }.ToJsonString(Hosting.JsonDefaults.Snake);

            var wait = PreferredWait(context.Request);
            TaskRow? task;
            using (var enqueue = Operations.NanogateActivity.Start("task.enqueue"))
            {
                enqueue?.SetTag("nanogate.task_id", taskId);
                task = await credits.CreateTaskAsync(
                    caller,
                    new NewTask(taskId, caller.AccountId, request.Model.Id, stored.ToJson(), context.TraceIdentifier, links.BaseUrl(context.Request),
                        request.N, price, parsed.CallbackUrl, parsed.WebhookUrl, keyed ? new IdempotentResponse(idempotencyKey, 202, accepted, location, Held: wait is not null) : null),
                    time.GetUtcNow().ToUnixTimeMilliseconds(),
                    context.RequestAborted).ConfigureAwait(false);
                if (task is null)
                {
                    Operations.NanogateActivity.Fail(enqueue, "insufficient_credits");
                }
            }

            if (task is null)
            {
                var balance = await ledger.GetBalanceAsync(caller.AccountId, context.RequestAborted).ConfigureAwait(false);
                return ApiError.Result(402, "insufficient_credits",
                    $"Not enough credits: this task needs {(long)request.N * price} ({request.N} × {price} for {request.Model.Id} at {request.Size.ToWire()}), the account has {balance.Available} available. Top up or lower n.");
            }

            created = true;
            signals.WorkAvailable();
            context.Response.Headers.Location = location;
            Hosting.AdjustmentsHeader.Set(context.Response, request.Warnings);

            if (wait is { } holdFor)
            {
                context.Response.Headers["Preference-Applied"] = string.Create(CultureInfo.InvariantCulture, $"wait={(int)holdFor.TotalSeconds}");
                var (status, answer) = (202, accepted);
                try
                {
                    var ended = await WaitForEndAsync(taskId, caller.AccountId, holdFor, store, signals, time, context.RequestAborted).ConfigureAwait(false);
                    if (ended is not null)
                    {
                        (status, answer) = (200, TaskJson.Render(ended, links.BaseUrl(context.Request), links).ToJsonString(Hosting.JsonDefaults.Snake));
                    }
                }
                finally
                {
                    if (keyed)
                    {
                        await store.CompleteIdempotentAsync(caller.AccountId, idempotencyKey, status, answer, location, CancellationToken.None).ConfigureAwait(false);
                    }
                }

                return Results.Text(answer, "application/json", Encoding.UTF8, status);
            }

            return Results.Text(accepted, "application/json", Encoding.UTF8, 202);
        }
        finally
        {
            if (keyed && !created)
            {
                await store.AbandonIdempotentAsync(caller.AccountId, idempotencyKey, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The queue bounds (<c>Tasks:MaxQueuedImagesPerAccount</c>, <c>Tasks:MaxQueuedImages</c>): null when <paramref name="n"/>
    /// more images fit, else 429 with <c>Retry-After</c>. Checked before the task is written, so submissions racing each
    /// other may pass the bound by at most their own number; the queue stays bounded all the same.
    /// </summary>
    private static async Task<IResult?> QueueFullAsync(HttpContext context, ITaskStore store, string accountId, int n, TasksOptions options)
    {
        var depth = await store.QueueDepthAsync(accountId, context.RequestAborted).ConfigureAwait(false);
        string? message = null;
        if (depth.Account + n > options.MaxQueuedImagesPerAccount)
        {
            message = $"Too many images queued: this account has {depth.Account} images in unfinished tasks and may have at most {options.MaxQueuedImagesPerAccount} (Tasks:MaxQueuedImagesPerAccount). Wait for some to finish (GET /v1/tasks?status=running) and retry.";
        }
        else if (depth.Total + n > options.MaxQueuedImages)
        {
            message = $"The server is at capacity: {depth.Total} images are queued, the most it takes is {options.MaxQueuedImages} (Tasks:MaxQueuedImages). Retry after the Retry-After delay.";
        }

        if (message is null)
        {
            return null;
        }

        context.Response.Headers.RetryAfter = options.QueueFullRetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return ApiError.Result(429, "queue_full", message, "n");
    }

    private static async Task<IResult> GetAsync(HttpContext context, string taskId, Caller caller, ITaskStore store, MediaLinks links)
    {
        var snapshot = await store.GetAsync(taskId, caller.AccountId, context.RequestAborted).ConfigureAwait(false);
        return snapshot is null
            ? ApiError.NotFound($"No task {taskId}.")
            : Results.Json(TaskJson.Render(snapshot, links.BaseUrl(context.Request), links), JsonDefaults.Snake);
    }

    private static async Task<IResult> ListAsync(HttpContext context, Caller caller, ITaskStore store, MediaLinks links, string? status, string? limit, string? after)
    {
        if (!string.IsNullOrEmpty(status) && !TaskStatuses.All.Contains(status))
        {
            return ApiError.Invalid($"status must be one of {string.Join(", ", TaskStatuses.All)}.", "status");
        }

        var take = 20;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > 100))
        {
            return ApiError.Invalid("limit must be a whole number from 1 to 100.", "limit");
        }

        if (!string.IsNullOrEmpty(after) && !await store.ExistsAsync(caller.AccountId, after, context.RequestAborted).ConfigureAwait(false))
        {
            return ApiError.Invalid("after must be a task id from a previous page (next_cursor).", "after");
        }

        var page = await store.ListAsync(caller.AccountId, string.IsNullOrEmpty(status) ? null : status, take, string.IsNullOrEmpty(after) ? null : after, context.RequestAborted).ConfigureAwait(false);
        var hasMore = page.Count > take;
        var items = page.Take(take).ToList();
        var baseUrl = links.BaseUrl(context.Request);
        var list = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray([.. items.Select(s => (JsonNode?)TaskJson.Render(s, baseUrl, links))]),
            ["has_more"] = hasMore,
            ["next_cursor"] = hasMore ? items[^1].Task.Id : null,
        };
        return Results.Json(list, JsonDefaults.Snake);
    }

    private static async Task<IResult> CancelAsync(HttpContext context, string taskId, Caller caller, ITaskStore store, MediaLinks links, TaskSignals signals, WebhookSignal webhooks, TimeProvider time)
    {
        var (snapshot, ended) = await store.CancelAsync(caller.AccountId, taskId, time.GetUtcNow().ToUnixTimeMilliseconds(), context.RequestAborted).ConfigureAwait(false);
        if (snapshot is null)
        {
            return ApiError.NotFound($"No task {taskId}.");
        }

        if (ended)
        {
            webhooks.Notify();
            signals.TaskEnded(taskId);
        }

        return Results.Json(TaskJson.Render(snapshot, links.BaseUrl(context.Request), links), JsonDefaults.Snake);
    }

    /// <summary>Holds until the task ends (200 with it) or the wait runs out (null).</summary>
    private static async Task<TaskSnapshot?> WaitForEndAsync(string taskId, string accountId, TimeSpan wait, ITaskStore store, TaskSignals signals, TimeProvider time, CancellationToken cancellationToken)
    {
        var ended = signals.WhenEnded(taskId);
        var deadline = time.GetUtcNow() + wait;
        try
        {
            while (true)
            {
                var snapshot = await store.GetAsync(taskId, accountId, cancellationToken).ConfigureAwait(false);
                if (snapshot is not null && snapshot.Task.IsTerminal)
                {
                    return snapshot;
                }

                var left = deadline - time.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    return null;
                }

                // The signal is in-process only; polling covers a task finished by another process.
                await Task.WhenAny(ended, Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), time, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            signals.Forget(taskId);
        }
    }

    /// <summary><c>Prefer: wait</c> (60 s) or <c>wait=N</c> (N ≤ 60), or null.</summary>
    internal static TimeSpan? PreferredWait(HttpRequest request)
    {
        foreach (var header in request.Headers["Prefer"])
        {
            foreach (var part in (header ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (string.Equals(part, "wait", StringComparison.OrdinalIgnoreCase))
                {
                    return TimeSpan.FromSeconds(MaxWaitSeconds);
                }

                if (part.StartsWith("wait=", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(part.AsSpan(5).Trim().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
                {
                    return TimeSpan.FromSeconds(Math.Min(seconds, MaxWaitSeconds));
                }
            }
        }

        return null;
    }

    /// <summary>SHA-256 of the path and the body (the idempotency fingerprint), without copying the body.</summary>
    private static string RequestHash(string? path, ReadOnlyMemory<byte> body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(path + "\n"));
        sha.AppendData(body.Span);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static async Task<(ReadOnlyMemory<byte> Body, IResult? Error)> ReadBodyAsync(HttpContext context)
    {
        // A body past Limits:MaxRequestBodyMB throws Kestrel's 413, which the exception handler answers in the dialect.
        var body = await TaskBodyReader.ReadAsync(context).ConfigureAwait(false);
        return body.Length == 0
            ? (default, ApiError.Invalid("The request body is empty; send a JSON object such as {\"model\":\"nano-banana-2-lite\",\"prompt\":\"…\"}."))
            : (body, null);
    }
}
