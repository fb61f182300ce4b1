using Dapper;
using Microsoft.Data.Sqlite;
using Nanogate.Storage.Tasks;

namespace Nanogate.Storage.Sqlite;

/// <summary>
/// The task store on SQLite. Every write is one <see cref="SqliteDatabase.WriteAsync{T}"/> transaction (BEGIN IMMEDIATE:
/// one writer at a time, also across processes), so a claim's select and update see no concurrent change; every
/// fenced write is an UPDATE conditioned on the image's attempt and its running status.
/// </summary>
public sealed class SqliteTaskStore(SqliteDatabase db, ITaskEventRenderer events) : ITaskStore
{
    private const string TaskColumns = """
        id AS Id, account_id AS AccountId, model AS Model, request AS Request, request_id AS RequestId, base_url AS BaseUrl,
        status AS Status, n AS N, price AS Price, reservation_id AS ReservationId, credits_reserved AS CreditsReserved,
        credits_charged AS CreditsCharged, credits_refunded AS CreditsRefunded, callback_url AS CallbackUrl, webhook_url AS WebhookUrl,
        error_code AS ErrorCode, error_message AS ErrorMessage, created_at AS CreatedAt, started_at AS StartedAt,
        canceled_at AS CanceledAt, completed_at AS CompletedAt
        """;

    private const string ImageColumns = """
        i.task_id AS TaskId, i.idx AS Idx, i.status AS Status, i.attempt AS Attempt, i.lease_until AS LeaseUntil,
        i.next_attempt_at AS NextAttemptAt, i.media_id AS MediaId, i.mime_type AS MimeType, i.width AS Width, i.height AS Height,
        i.text AS Text, i.input_tokens AS InputTokens, i.output_tokens AS OutputTokens, i.image_tokens AS ImageTokens,
        i.charged AS Charged, i.error_code AS ErrorCode, i.error_message AS ErrorMessage, i.channel AS Channel, m.expires_at AS MediaExpiresAt
        """;

    /// <summary>
    /// A task's usage on its reservation when it ends: the images made, the credits refunded (its failed images at
    /// the task's price, never more than was released; canceled images are released, not refunded), and the channel
    /// of its first image made (the lowest name when several served it).
    /// </summary>
    private const string TaskUsageSql = """
        UPDATE reservations SET
            images = (SELECT COUNT(*) FROM task_images WHERE task_id = @taskId AND status = 'succeeded'),
            refunded = MIN(released, (SELECT COUNT(*) FROM task_images WHERE task_id = @taskId AND status = 'failed') * (SELECT price FROM tasks WHERE id = @taskId)),
            channel = COALESCE(channel, (SELECT MIN(channel) FROM task_images WHERE task_id = @taskId AND status = 'succeeded'))
        WHERE id = @reservationId
        """;

    // A submit's statements, prepared once per writer connection (SqliteStatement says why): a submit is the hold's
    // three statements, these two and the queue-depth triggers, where Dapper parsed and planned each one every time
    // (sqlite3RunParser, yy_find_shift_action and resolveExprStep in a profile of the c=1 submit cell).
    private static readonly SqliteStatement InsertTask = new(
        """
        INSERT INTO tasks (id, account_id, model, request, request_id, base_url, status, n, price, reservation_id, credits_reserved, callback_url, webhook_url, created_at)
        VALUES (@id, @accountId, @model, @request, @requestId, @baseUrl, 'pending', @n, @price, @reservationId, @reserved, @callbackUrl, @webhookUrl, @now)
        """,
        "id", "accountId", "model", "request", "requestId", "baseUrl", "n", "price", "reservationId", "reserved", "callbackUrl", "webhookUrl", "now");

    private static readonly SqliteStatement InsertTaskImage = new(
        "INSERT INTO task_images (task_id, idx, status, next_attempt_at) VALUES (@taskId, @idx, 'queued', @now)", "taskId", "idx", "now");

    // The worker's statements (a claim, an image's success, the task's end), prepared once per writer connection for
    // the same reason: through Dapper an image's claim and success parsed and planned thirteen statements, ~3 % of a
    // warm end-to-end profile (docs/benchmarks.md, issue 17, fifth pass).
    private static readonly SqliteStatement SelectDue = new(
        """
        SELECT task_id, idx, status, attempt, (SELECT canceled_at IS NOT NULL FROM tasks WHERE id = task_id) FROM (
            SELECT task_id, idx, status, attempt, next_attempt_at AS due FROM task_images WHERE status = 'queued' AND next_attempt_at <= @now
            UNION ALL
            SELECT task_id, idx, status, attempt, lease_until AS due FROM task_images WHERE status = 'running' AND lease_until < @now)
        ORDER BY due LIMIT @max
        """,
        "now", "max");

    private static readonly SqliteStatement StartImage = new(
        """
        UPDATE task_images SET status = 'running', attempt = attempt + 1, lease_until = @leaseUntil, started_at = COALESCE(started_at, @now)
        WHERE task_id = @taskId AND idx = @idx AND attempt = @attempt AND status = @status
        RETURNING attempt
        """,
        "leaseUntil", "now", "taskId", "idx", "attempt", "status");

    private static readonly SqliteStatement StartTask = new(
        "UPDATE tasks SET status = CASE WHEN status = 'pending' THEN 'running' ELSE status END, started_at = COALESCE(started_at, @now) WHERE id = @taskId RETURNING account_id, model, request, request_id",
        "now", "taskId");

    private static readonly SqliteStatement SelectPrice = new("SELECT reservation_id, price FROM tasks WHERE id = @taskId", "taskId");

    private static readonly SqliteStatement SucceedImage = new(
        """
        UPDATE task_images SET status = 'succeeded', lease_until = NULL, completed_at = @now, media_id = @mediaId, mime_type = @mimeType,
            width = @width, height = @height, text = @text, input_tokens = @inputTokens, output_tokens = @outputTokens,
            image_tokens = @imageTokens, charged = @price, error_code = NULL, error_message = NULL, channel = @channel
        WHERE task_id = @taskId AND idx = @index AND attempt = @attempt AND status = 'running'
        """,
        "now", "mediaId", "mimeType", "width", "height", "text", "inputTokens", "outputTokens", "imageTokens", "price", "channel", "taskId", "index", "attempt");

    private static readonly SqliteStatement AddCharged = new("UPDATE tasks SET credits_charged = credits_charged + @captured WHERE id = @taskId", "captured", "taskId");

    private static readonly SqliteStatement CountImages = new(
        """
        SELECT COALESCE(SUM(CASE WHEN status IN ('queued', 'running') THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN status = 'succeeded' THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN status = 'canceled' THEN 1 ELSE 0 END), 0)
        FROM task_images WHERE task_id = @taskId
        """,
        "taskId");

    private static readonly SqliteStatement SelectEnding = new(
        "SELECT account_id, status, n, reservation_id, callback_url, webhook_url, canceled_at IS NOT NULL FROM tasks WHERE id = @taskId", "taskId");

    private static readonly SqliteStatement EndTask = new(
        "UPDATE tasks SET status = @status, credits_refunded = credits_refunded + @released, error_code = @errorCode, error_message = @errorMessage, completed_at = @now WHERE id = @taskId",
        "status", "released", "errorCode", "errorMessage", "now", "taskId");

    private static readonly SqliteStatement RecordTaskUsage = new(TaskUsageSql, "taskId", "reservationId");

    // A task's snapshot (a read, a cancel's answer, an ended task's webhook payload): the columns the list reads too,
    // read by ordinal in their order (ReadSnapshot).
    private static readonly SqliteStatement SelectTask = new($"SELECT {TaskColumns} FROM tasks WHERE id = @taskId", "taskId");

    private static readonly SqliteStatement SelectImages = new(
        $"SELECT {ImageColumns} FROM task_images i LEFT JOIN media m ON m.id = i.media_id WHERE i.task_id = @taskId ORDER BY i.idx", "taskId");

    private static readonly SqliteStatement InsertDelivery = new(
        "INSERT INTO webhook_deliveries (id, account_id, task_id, url, payload, next_attempt_at, expires_at, created_at, traceparent) VALUES (@id, @accountId, @taskId, @url, @payload, @now, @expiresAt, @now, @traceparent)",
        "id", "accountId", "taskId", "url", "payload", "now", "expiresAt", "traceparent");

    /// <inheritdoc />
    public Task<TaskRow?> CreateAsync(NewTask task, long now, CancellationToken cancellationToken) =>
        db.WriteAsync<TaskRow?>(async (c, tx) =>
        {
            var reserved = (long)task.N * task.Price;
            var reservation = await SqliteLedgerCommands.TryReserveAsync(c, tx, task.AccountId, reserved, "task", task.Model, now, task.Key).ConfigureAwait(false);
            if (reservation is null)
            {
                return null;
            }

            InsertTask.Execute(c, tx, task.Id, task.AccountId, task.Model, task.RequestJson, task.RequestId, task.BaseUrl, task.N, task.Price, reservation.Id, reserved, task.CallbackUrl, task.WebhookUrl, now);
            for (var i = 0; i < task.N; i++)
            {
                InsertTaskImage.Execute(c, tx, task.Id, i, now);
            }

            if (task.Idempotency is { } idem)
            {
                // Held (Prefer: wait) keys stay in flight with this answer stored until the final answer is known;
                // if the process dies meanwhile, the stored answer is replayed (never a second task).
                await c.ExecuteAsync(
                    "UPDATE idempotency_keys SET status = CASE WHEN @Held THEN 'in_flight' ELSE 'done' END, response_status = @Status, response_body = @Body, response_location = @Location WHERE account_id = @AccountId AND key = @Key",
                    new { idem.Held, idem.Status, idem.Body, idem.Location, task.AccountId, idem.Key }, tx).ConfigureAwait(false);
            }

            // The row as just written (no read back: nothing else sets a column of a new task).
            return new TaskRow
            {
                Id = task.Id,
                AccountId = task.AccountId,
                Model = task.Model,
                Request = task.RequestJson,
                RequestId = task.RequestId,
                BaseUrl = task.BaseUrl,
                Status = TaskStatuses.Pending,
                N = task.N,
                Price = task.Price,
                ReservationId = reservation.Id,
                CreditsReserved = reserved,
                CallbackUrl = task.CallbackUrl,
                WebhookUrl = task.WebhookUrl,
                CreatedAt = now,
            };
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ImageClaim>> ClaimAsync(int max, long now, long leaseUntil, int maxAttempts, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync<IReadOnlyList<ImageClaim>>(async (c, tx) =>
        {
            var due = new List<DueRow>();
            using (var rows = SelectDue.Query(c, tx, now, max))
            {
                while (rows.Read())
                {
                    due.Add(new DueRow { TaskId = rows.GetString(0), Idx = rows.GetInt64(1), Status = rows.GetString(2), Attempt = rows.GetInt64(3), Canceled = rows.GetInt64(4) });
                }
            }

            var claims = new List<ImageClaim>(due.Count);
            foreach (var row in due)
            {
                if (row.Status == TaskStatuses.Running && (row.Canceled != 0 || row.Attempt >= maxAttempts))
                {
                    // The worker vanished mid-image: of a canceled task the image is canceled (as a retry
                    // after cancel would be); on the last allowed attempt it is given up.
                    var (status, code, message) = row.Canceled != 0
                        ? ("canceled", (string?)null, (string?)null)
                        : ("failed", "timeout", $"The image was not finished after {row.Attempt} attempts.");
                    var ended = await c.ExecuteAsync(
                        """
                        UPDATE task_images SET status = @status, lease_until = NULL, completed_at = @now,
                            error_code = @code, error_message = @message
                        WHERE task_id = @TaskId AND idx = @Idx AND attempt = @Attempt AND status = 'running'
                        """,
                        new { status, now, row.TaskId, row.Idx, row.Attempt, code, message }, tx).ConfigureAwait(false);
                    if (ended == 1)
                    {
                        await EndTaskIfDoneAsync(c, tx, row.TaskId, now).ConfigureAwait(false);
                    }

                    continue;
                }

                long a;
                using (var started = StartImage.Query(c, tx, leaseUntil, now, row.TaskId, row.Idx, row.Attempt, row.Status))
                {
                    if (!started.Read())
                    {
                        continue;
                    }

                    a = started.GetInt64(0);
                }

                using var task = StartTask.Query(c, tx, now, row.TaskId);
                if (!task.Read())
                {
                    throw new InvalidOperationException($"Task {row.TaskId} of a claimed image is missing.");
                }

                claims.Add(new ImageClaim(row.TaskId, (int)row.Idx, a, task.GetString(0), task.GetString(1), task.GetString(2), task.GetString(3)));
            }

            return claims;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> HeartbeatAsync(string taskId, int index, long attempt, long leaseUntil, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(async (c, tx) => await c.ExecuteAsync(
            "UPDATE task_images SET lease_until = @leaseUntil WHERE task_id = @taskId AND idx = @index AND attempt = @attempt AND status = 'running'",
            new { leaseUntil, taskId, index, attempt }, tx).ConfigureAwait(false) == 1, cancellationToken);

    /// <inheritdoc />
    public Task<ImageWrite> SucceedAsync(string taskId, int index, long attempt, ImageSuccess image, long now, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(async (c, tx) =>
        {
            string reservationId;
            long price;
            using (var task = SelectPrice.Query(c, tx, taskId))
            {
                if (!task.Read())
                {
                    throw new InvalidOperationException($"No task {taskId}.");
                }

                (reservationId, price) = (task.GetString(0), task.GetInt64(1));
            }

            // The media row goes first (task_images.media_id references it); a fenced-out write takes it back.
            if (image.Media is { } m)
            {
                SqliteMediaIndex.Insert(c, tx, m);
            }

            var updated = SucceedImage.Execute(
                c, tx, now, image.MediaId, image.MimeType, image.Width, image.Height, image.Text, image.InputTokens, image.OutputTokens, image.ImageTokens, price, image.Channel, taskId, index, attempt);
            if (updated == 0)
            {
                if (image.Media is { } stale)
                {
                    await c.ExecuteAsync("DELETE FROM media WHERE id = @Id", new { stale.Id }, tx).ConfigureAwait(false);
                }

                return new ImageWrite(false, false);
            }

            var captured = await SqliteLedgerCommands.CaptureAsync(c, tx, reservationId, price, now).ConfigureAwait(false);
            AddCharged.Execute(c, tx, captured, taskId);
            return new ImageWrite(true, await EndTaskIfDoneAsync(c, tx, taskId, now).ConfigureAwait(false));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ImageWrite> RetryAsync(string taskId, int index, long attempt, long nextAttemptAt, string code, string message, long now, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(async (c, tx) =>
        {
            var updated = await c.ExecuteAsync(
                """
                UPDATE task_images SET
                    status = CASE WHEN (SELECT canceled_at FROM tasks WHERE id = @taskId) IS NULL THEN 'queued' ELSE 'canceled' END,
                    completed_at = CASE WHEN (SELECT canceled_at FROM tasks WHERE id = @taskId) IS NULL THEN NULL ELSE @now END,
                    lease_until = NULL, next_attempt_at = @nextAttemptAt, error_code = @code, error_message = @message
                WHERE task_id = @taskId AND idx = @index AND attempt = @attempt AND status = 'running'
                """,
                new { taskId, index, attempt, nextAttemptAt, code, message, now }, tx).ConfigureAwait(false);
            return updated == 0
                ? new ImageWrite(false, false)
                : new ImageWrite(true, await EndTaskIfDoneAsync(c, tx, taskId, now).ConfigureAwait(false));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ImageWrite> HandBackAsync(string taskId, int index, long attempt, long now, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(async (c, tx) =>
        {
            var updated = await c.ExecuteAsync(
                """
                UPDATE task_images SET
                    status = CASE WHEN (SELECT canceled_at FROM tasks WHERE id = @taskId) IS NULL THEN 'queued' ELSE 'canceled' END,
                    completed_at = CASE WHEN (SELECT canceled_at FROM tasks WHERE id = @taskId) IS NULL THEN NULL ELSE @now END,
                    lease_until = NULL, next_attempt_at = @now, attempt = attempt - 1
                WHERE task_id = @taskId AND idx = @index AND attempt = @attempt AND status = 'running'
                """,
                new { taskId, index, attempt, now }, tx).ConfigureAwait(false);
            return updated == 0
                ? new ImageWrite(false, false)
                : new ImageWrite(true, await EndTaskIfDoneAsync(c, tx, taskId, now).ConfigureAwait(false));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ImageWrite> FailAsync(string taskId, int index, long attempt, string code, string message, long now, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(async (c, tx) =>
        {
            var updated = await c.ExecuteAsync(
                """
                UPDATE task_images SET status = 'failed', lease_until = NULL, completed_at = @now, error_code = @code, error_message = @message
                WHERE task_id = @taskId AND idx = @index AND attempt = @attempt AND status = 'running'
                """,
                new { taskId, index, attempt, code, message, now }, tx).ConfigureAwait(false);
            return updated == 0
                ? new ImageWrite(false, false)
                : new ImageWrite(true, await EndTaskIfDoneAsync(c, tx, taskId, now).ConfigureAwait(false));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<(TaskSnapshot? Task, bool Ended)> CancelAsync(string accountId, string taskId, long now, CancellationToken cancellationToken) =>
        db.WriteAsync<(TaskSnapshot?, bool)>(async (c, tx) =>
        {
            var status = await c.ExecuteScalarAsync<string?>(
                "SELECT status FROM tasks WHERE id = @taskId AND account_id = @accountId", new { taskId, accountId }, tx).ConfigureAwait(false);
            if (status is null)
            {
                return (null, false);
            }

            var ended = false;
            if (!TaskStatuses.IsTerminal(status))
            {
                await c.ExecuteAsync("UPDATE tasks SET canceled_at = COALESCE(canceled_at, @now) WHERE id = @taskId", new { now, taskId }, tx).ConfigureAwait(false);
                await c.ExecuteAsync(
                    "UPDATE task_images SET status = 'canceled', completed_at = @now, next_attempt_at = @now WHERE task_id = @taskId AND status = 'queued'",
                    new { now, taskId }, tx).ConfigureAwait(false);
                ended = await EndTaskIfDoneAsync(c, tx, taskId, now).ConfigureAwait(false);
            }

            return (ReadSnapshot(c, tx, taskId), ended);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TaskSnapshot?> GetAsync(string taskId, string? accountId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c =>
        {
            await using var tx = c.BeginTransaction(deferred: true);
            var snapshot = ReadSnapshot(c, tx, taskId);
            return snapshot is not null && (accountId is null || snapshot.Task.AccountId == accountId) ? snapshot : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskSnapshot>> ListAsync(string accountId, string? status, int limit, string? after, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<TaskSnapshot>>(async c =>
        {
            await using var tx = c.BeginTransaction(deferred: true);
            var tasks = (await c.QueryAsync<TaskRow>(
                $"""
                SELECT {TaskColumns} FROM tasks
                WHERE account_id = @accountId
                  AND (@status IS NULL OR status = @status)
                  AND (@after IS NULL OR rowid < (SELECT rowid FROM tasks WHERE id = @after AND account_id = @accountId))
                ORDER BY rowid DESC
                LIMIT @take
                """,
                new { accountId, status, after, take = limit + 1 }, tx).ConfigureAwait(false)).ToList();
            if (tasks.Count == 0)
            {
                return [];
            }

            var ids = tasks.Select(t => t.Id).ToList();
            var images = (await c.QueryAsync<TaskImageRow>(
                $"SELECT {ImageColumns} FROM task_images i LEFT JOIN media m ON m.id = i.media_id WHERE i.task_id IN @ids ORDER BY i.task_id, i.idx",
                new { ids }, tx).ConfigureAwait(false)).ToLookup(i => i.TaskId, StringComparer.Ordinal);
            return tasks.Select(t => new TaskSnapshot(t, images[t.Id].ToList())).ToList();
        }, cancellationToken);

    /// <inheritdoc />
    public Task<QueueDepth> QueueDepthAsync(string accountId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => await c.QuerySingleAsync<QueueDepth>(
            // task_queue_depth is kept in step with tasks by triggers (migration 0016): one row per account with a
            // queue, instead of a sum over every queued task on every submit.
            "SELECT COALESCE((SELECT images FROM task_queue_depth WHERE account_id = @accountId), 0) AS Account, COALESCE((SELECT SUM(images) FROM task_queue_depth), 0) AS Total",
            new { accountId }).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string accountId, string taskId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c => await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM tasks WHERE id = @taskId AND account_id = @accountId", new { taskId, accountId }).ConfigureAwait(false) > 0, cancellationToken);

    /// <inheritdoc />
    public Task<IdempotencyOutcome> BeginIdempotentAsync(string accountId, string key, string requestHash, long now, long expiredBefore, long abandonedBefore, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, tx) =>
        {
            await c.ExecuteAsync(
                "DELETE FROM idempotency_keys WHERE account_id = @accountId AND key = @key AND (created_at < @expiredBefore OR (status = 'in_flight' AND response_body IS NULL AND created_at < @abandonedBefore))",
                new { accountId, key, expiredBefore, abandonedBefore }, tx).ConfigureAwait(false);
            var row = await c.QuerySingleOrDefaultAsync<IdempotencyRow>(
                "SELECT request_hash AS RequestHash, status AS Status, created_at AS CreatedAt, response_status AS ResponseStatus, response_body AS ResponseBody, response_location AS ResponseLocation FROM idempotency_keys WHERE account_id = @accountId AND key = @key",
                new { accountId, key }, tx).ConfigureAwait(false);
            if (row is null)
            {
                await c.ExecuteAsync(
                    "INSERT INTO idempotency_keys (account_id, key, request_hash, status, created_at) VALUES (@accountId, @key, @requestHash, 'in_flight', @now)",
                    new { accountId, key, requestHash, now }, tx).ConfigureAwait(false);
                return new IdempotencyOutcome(IdempotencyState.Started, null);
            }

            if (!string.Equals(row.RequestHash, requestHash, StringComparison.Ordinal))
            {
                return new IdempotencyOutcome(IdempotencyState.Mismatch, null);
            }

            var abandoned = row.CreatedAt < abandonedBefore;
            return row.Status == "in_flight" && !abandoned
                ? new IdempotencyOutcome(IdempotencyState.InFlight, null)
                : new IdempotencyOutcome(IdempotencyState.Replay, new IdempotentResponse(key, (int)row.ResponseStatus.GetValueOrDefault(200), row.ResponseBody ?? "{}", row.ResponseLocation));
        }, cancellationToken);

    /// <inheritdoc />
    public Task CompleteIdempotentAsync(string accountId, string key, int status, string body, string? location, CancellationToken cancellationToken) =>
        db.WriteAsync(
            (c, tx) => c.ExecuteAsync(
                "UPDATE idempotency_keys SET status = 'done', response_status = @status, response_body = @body, response_location = @location WHERE account_id = @accountId AND key = @key",
                new { status, body, location, accountId, key }, tx),
            cancellationToken);

    /// <inheritdoc />
    public Task AbandonIdempotentAsync(string accountId, string key, CancellationToken cancellationToken) =>
        db.WriteAsync(
            (c, tx) => c.ExecuteAsync("DELETE FROM idempotency_keys WHERE account_id = @accountId AND key = @key AND status = 'in_flight'", new { accountId, key }, tx),
            cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneIdempotencyAsync(long before, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync((c, tx) => c.ExecuteAsync("DELETE FROM idempotency_keys WHERE created_at < @before", new { before }, tx), cancellationToken);

    /// <summary>
    /// If no image of the task is queued or running any more: sets the terminal status, settles the reservation
    /// (what was not captured is released), records charged/refunded and writes the webhook outbox rows.
    /// </summary>
    private async Task<bool> EndTaskIfDoneAsync(SqliteConnection c, SqliteTransaction tx, string taskId, long now)
    {
        long succeeded, canceled;
        using (var counts = CountImages.Query(c, tx, taskId))
        {
            counts.Read();
            if (counts.GetInt64(0) > 0)
            {
                return false;
            }

            (succeeded, canceled) = (counts.GetInt64(1), counts.GetInt64(2));
        }

        Ending task;
        using (var row = SelectEnding.Query(c, tx, taskId))
        {
            if (!row.Read())
            {
                throw new InvalidOperationException($"No task {taskId}.");
            }

            task = new Ending(
                row.GetString(0), row.GetString(1), row.GetInt64(2), row.GetString(3), row.IsDBNull(4) ? null : row.GetString(4), row.IsDBNull(5) ? null : row.GetString(5), row.GetInt64(6) != 0);
        }

        if (TaskStatuses.IsTerminal(task.Status))
        {
            return false;
        }

        var status = TaskStatuses.Final(task.N, succeeded, canceled, task.Canceled);
        (string? Code, string? Message)? firstFailure = status == TaskStatuses.Failed
            ? await c.QueryFirstOrDefaultAsync<(string? Code, string? Message)>(
                "SELECT error_code, error_message FROM task_images WHERE task_id = @taskId AND status = 'failed' ORDER BY idx LIMIT 1",
                new { taskId }, tx).ConfigureAwait(false)
            : null;
        var (errorCode, errorMessage) = TaskStatuses.FinalError(status, firstFailure);

        var released = await SqliteLedgerCommands.ReleaseRemainingAsync(c, tx, task.ReservationId, now).ConfigureAwait(false);
        EndTask.Execute(c, tx, status, released, errorCode, errorMessage, now, taskId);
        RecordTaskUsage.Execute(c, tx, taskId, task.ReservationId);

        var targets = new[] { task.CallbackUrl, task.WebhookUrl }.Where(u => !string.IsNullOrEmpty(u)).Distinct(StringComparer.Ordinal).ToList();
        if (targets.Count > 0)
        {
            var snapshot = ReadSnapshot(c, tx, taskId)!;
            var (payload, expiresAt) = events.Render(snapshot, now);
            var traceparent = events.TraceParent(snapshot);
            foreach (var url in targets)
            {
                InsertDelivery.Execute(c, tx, Ids.New("msg_", 24), task.AccountId, taskId, url, payload, now, expiresAt, traceparent);
            }
        }

        return true;
    }

    /// <summary>
    /// The task and its images, read in <paramref name="tx"/>: a write's (an ending's webhook payload, a cancel's answer,
    /// prepared once on the writer) or a read's (GET /v1/tasks/{id}, on a connection opened for that read).
    /// </summary>
    private static TaskSnapshot? ReadSnapshot(SqliteConnection c, SqliteTransaction tx, string taskId)
    {
        TaskRow task;
        using (var row = SelectTask.Query(c, tx, taskId))
        {
            if (!row.Read())
            {
                return null;
            }

            task = new TaskRow
            {
                Id = row.GetString(0),
                AccountId = row.GetString(1),
                Model = row.GetString(2),
                Request = row.GetString(3),
                RequestId = row.GetString(4),
                BaseUrl = row.GetString(5),
                Status = row.GetString(6),
                N = row.GetInt64(7),
                Price = row.GetInt64(8),
                ReservationId = row.GetString(9),
                CreditsReserved = row.GetInt64(10),
                CreditsCharged = row.GetInt64(11),
                CreditsRefunded = row.GetInt64(12),
                CallbackUrl = NullableString(row, 13),
                WebhookUrl = NullableString(row, 14),
                ErrorCode = NullableString(row, 15),
                ErrorMessage = NullableString(row, 16),
                CreatedAt = row.GetInt64(17),
                StartedAt = NullableLong(row, 18),
                CanceledAt = NullableLong(row, 19),
                CompletedAt = NullableLong(row, 20),
            };
        }

        var images = new List<TaskImageRow>((int)task.N);
        using (var rows = SelectImages.Query(c, tx, taskId))
        {
            while (rows.Read())
            {
                images.Add(new TaskImageRow
                {
                    TaskId = rows.GetString(0),
                    Idx = rows.GetInt64(1),
                    Status = rows.GetString(2),
                    Attempt = rows.GetInt64(3),
                    LeaseUntil = NullableLong(rows, 4),
                    NextAttemptAt = rows.GetInt64(5),
                    MediaId = NullableString(rows, 6),
                    MimeType = NullableString(rows, 7),
                    Width = NullableLong(rows, 8),
                    Height = NullableLong(rows, 9),
                    Text = NullableString(rows, 10),
                    InputTokens = rows.GetInt64(11),
                    OutputTokens = rows.GetInt64(12),
                    ImageTokens = rows.GetInt64(13),
                    Charged = rows.GetInt64(14),
                    ErrorCode = NullableString(rows, 15),
                    ErrorMessage = NullableString(rows, 16),
                    Channel = NullableString(rows, 17),
                    MediaExpiresAt = NullableLong(rows, 18),
                });
            }
        }

        return new TaskSnapshot(task, images);
    }

    private static string? NullableString(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    private static long? NullableLong(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetInt64(ordinal);

    private sealed class DueRow
    {
        public string TaskId { get; set; } = "";
        public long Idx { get; set; }
        public string Status { get; set; } = "";
        public long Attempt { get; set; }

        /// <summary>1 when the task was canceled (its queued images already are).</summary>
        public long Canceled { get; set; }
    }

    /// <summary>What ending a task reads of its row.</summary>
    private sealed record Ending(string AccountId, string Status, long N, string ReservationId, string? CallbackUrl, string? WebhookUrl, bool Canceled);

    private sealed class IdempotencyRow
    {
        public string RequestHash { get; set; } = "";
        public string Status { get; set; } = "";
        public long CreatedAt { get; set; }
        public long? ResponseStatus { get; set; }
        public string? ResponseBody { get; set; }
        public string? ResponseLocation { get; set; }
    }
}
