using Dapper;
using Nanogate.Storage.Tasks;
using Npgsql;
using NpgsqlTypes;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// The task store on PostgreSQL, for several processes sharing one database. The semantics are those of the SQLite
/// store; where SQLite relied on its single writer, this one takes row locks:
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><description>Every write that may end a task (success, retry, failure, cancel, a claim that gives up) first
/// locks the task's row (<c>FOR NO KEY UPDATE</c>, which does not block the foreign-key checks of inserts). So the
/// writes of one task run one at a time, and each of their later statements (READ COMMITTED: a snapshot per
/// statement) sees what the previous writer committed: of two images finishing together, the second sees the first
/// and ends the task; a task is ended once.</description></item>
/// <item><description>A claim locks the due image rows and their task rows with <c>SKIP LOCKED</c>: claimers in other
/// processes skip each other's rows instead of waiting, no image is handed out twice (a row claimed and committed
/// meanwhile is re-checked against the latest version and dropped), and since a claim never waits for a lock it
/// cannot deadlock with the writers above, which lock the task first and its images second.</description></item>
/// <item><description>Writes of a claimed image are fenced by its attempt and its running status in the
/// <c>UPDATE</c>'s own <c>WHERE</c>, re-checked against the latest row version.</description></item>
/// <item><description>The store NOTIFYs <see cref="Changes.ChangeTopics.TasksDue"/> when it queues images (create,
/// retry), and <see cref="Changes.ChangeTopics.TaskEnded"/> (detail: the task id) and, with outbox rows,
/// <see cref="Changes.ChangeTopics.WebhooksDue"/> when a task ends, once those transactions committed, through
/// <see cref="PostgresNotifier"/> (coalesced; a NOTIFY inside them would serialize their commits cluster-wide) to
/// every process's <see cref="PostgresChangeFeed"/>.</description></item>
/// <item><description>Creates are group-committed (<see cref="PostgresGroupCommit{TItem, TResult}"/>): the submits that
/// arrive while one batch is on its way share the next transaction and its WAL flush.</description></item>
/// </list>
/// </remarks>
public sealed class PostgresTaskStore(PostgresDatabase db, ITaskEventRenderer events, PostgresNotifier notifier) : ITaskStore
{
    /// <summary>At most this many submits share a transaction (each holds its account's row until the commit).</summary>
    private const int MaxCreateBatch = 32;

    private const string TasksDue = Changes.ChangeTopics.TasksDue;

    private const string TaskColumns = """
        t.id AS Id, t.account_id AS AccountId, t.model AS Model, t.request AS Request, t.request_id AS RequestId, t.base_url AS BaseUrl,
        t.status AS Status, t.n AS N, t.price AS Price, t.reservation_id AS ReservationId, t.credits_reserved AS CreditsReserved,
        t.credits_charged AS CreditsCharged, t.credits_refunded AS CreditsRefunded, t.callback_url AS CallbackUrl, t.webhook_url AS WebhookUrl,
        t.error_code AS ErrorCode, t.error_message AS ErrorMessage, t.created_at AS CreatedAt, t.started_at AS StartedAt,
        t.canceled_at AS CanceledAt, t.completed_at AS CompletedAt
        """;

    // The first column is the split point of Dapper's multi-mapping (task | image).
    private const string ImageColumns = """
        i.task_id AS TaskId, i.idx AS Idx, i.status AS Status, i.attempt AS Attempt, i.lease_until AS LeaseUntil,
        i.next_attempt_at AS NextAttemptAt, i.media_id AS MediaId, i.mime_type AS MimeType, i.width AS Width, i.height AS Height,
        i.text AS Text, i.input_tokens AS InputTokens, i.output_tokens AS OutputTokens, i.image_tokens AS ImageTokens,
        i.charged AS Charged, i.error_code AS ErrorCode, i.error_message AS ErrorMessage, i.channel AS Channel, m.expires_at AS MediaExpiresAt
        """;

    private const string LockTaskSql = "SELECT id FROM tasks WHERE id = @taskId FOR NO KEY UPDATE;";

    private const string OpenImagesSql = "(SELECT count(*) FROM task_images WHERE task_id = @taskId AND status IN ('queued', 'running'))";

    // Reservation, task, n images and the idempotency answer: one statement, group-committed with the submits that
    // arrive meanwhile (PostgresGroupCommit); the wake-up follows the commit (PostgresNotifier).
    private const string CreateSql = $"""
        WITH {PostgresLedgerCommands.ReserveCtes},
        t AS (
            INSERT INTO tasks (id, account_id, model, request, request_id, base_url, status, n, price, reservation_id, credits_reserved, callback_url, webhook_url, created_at)
            SELECT @taskId, @accountId, @model, @request, @requestId, @baseUrl, 'pending', @n, @price, r.id, @credits, @callbackUrl, @webhookUrl, @now FROM r
            RETURNING *),
        ti AS (INSERT INTO task_images (task_id, idx, status, next_attempt_at) SELECT t.id, g, 'queued', @now FROM t, generate_series(0, @n - 1) g),
        k AS (
            UPDATE idempotency_keys SET status = CASE WHEN @held THEN 'in_flight' ELSE 'done' END,
                response_status = @idemStatus, response_body = @idemBody, response_location = @idemLocation
            WHERE account_id = @accountId AND key = @idemKey AND EXISTS (SELECT 1 FROM t))
        SELECT {TaskColumns} FROM t
        """;

    // Due images of both kinds, each branch through its partial index, locked with their tasks; rows another claimer
    // holds are skipped. The task is locked before the image (locks follow the order of the OF list): a claimer that
    // skips a task held elsewhere then holds none of its images, so every image it locks it also claims, and an
    // empty claim means every due image was being claimed by someone else. The claim, the task's start and the
    // answer are the same statement.
    private const string ClaimSql = """
        WITH q AS (
            SELECT i.task_id, i.idx, i.status, i.attempt, i.next_attempt_at AS due, t.seq, t.canceled_at IS NOT NULL AS canceled
            FROM task_images i JOIN tasks t ON t.id = i.task_id
            WHERE i.status = 'queued' AND i.next_attempt_at <= @now
            ORDER BY i.next_attempt_at LIMIT @max
            FOR NO KEY UPDATE OF t, i SKIP LOCKED),
        x AS (
            SELECT i.task_id, i.idx, i.status, i.attempt, i.lease_until AS due, t.seq, t.canceled_at IS NOT NULL AS canceled
            FROM task_images i JOIN tasks t ON t.id = i.task_id
            WHERE i.status = 'running' AND i.lease_until < @now
            ORDER BY i.lease_until LIMIT @max
            FOR NO KEY UPDATE OF t, i SKIP LOCKED),
        pick AS (SELECT * FROM (SELECT * FROM q UNION ALL SELECT * FROM x) d ORDER BY due, seq, idx LIMIT @max),
        claimed AS (
            UPDATE task_images i SET status = 'running', attempt = i.attempt + 1, lease_until = @leaseUntil, started_at = COALESCE(i.started_at, @now)
            FROM pick p
            WHERE i.task_id = p.task_id AND i.idx = p.idx AND NOT (p.status = 'running' AND (p.canceled OR p.attempt >= @maxAttempts))
            RETURNING i.task_id, i.idx, i.attempt, p.due, p.seq),
        started AS (
            UPDATE tasks t SET status = CASE WHEN t.status = 'pending' THEN 'running' ELSE t.status END, started_at = COALESCE(t.started_at, @now)
            WHERE t.id IN (SELECT task_id FROM claimed)
            RETURNING t.id)
        -- The claimed images join the tasks as the statement's snapshot saw them (those columns never change).
        SELECT false AS GiveUp, c.task_id AS TaskId, c.idx AS Idx, c.attempt AS Attempt, c.due AS Due, c.seq AS Seq, false AS Canceled,
               t.account_id AS AccountId, t.model AS Model, t.request AS Request, t.request_id AS RequestId
        FROM claimed c JOIN tasks t ON t.id = c.task_id
        UNION ALL
        SELECT true, p.task_id, p.idx, p.attempt, p.due, p.seq, p.canceled, NULL, NULL, NULL, NULL
        FROM pick p WHERE p.status = 'running' AND (p.canceled OR p.attempt >= @maxAttempts)
        """;

    // The open count is read in the statement's snapshot, taken after the task lock and before its own change: the
    // image just written still counts as running there. The end check follows in the same round trip (its statements
    // see the change): for the last image, what ending the task needs is already there.
    private const string SucceedSql = $"""
        {LockTaskSql}
        WITH img AS (
            UPDATE task_images SET status = 'succeeded', lease_until = NULL, completed_at = @now, media_id = @mediaId, mime_type = @mimeType,
                width = @width, height = @height, text = @text, input_tokens = @inputTokens, output_tokens = @outputTokens,
                image_tokens = @imageTokens, charged = (SELECT price FROM tasks WHERE id = @taskId), error_code = NULL, error_message = NULL,
                channel = @channel
            WHERE task_id = @taskId AND idx = @index AND attempt = @attempt AND status = 'running'
            RETURNING 1),
        med AS (
            INSERT INTO media (id, account_id, mime_type, bytes, width, height, created_at, expires_at)
            SELECT @mediaId, @mediaAccountId, @mediaMimeType, @mediaBytes, @mediaWidth, @mediaHeight, @mediaCreatedAt, @mediaExpiresAt
            FROM img WHERE @withMedia),
        cap AS (
            UPDATE reservations r SET captured = r.captured + x.take
            FROM (SELECT res.id, LEAST(t.price, res.amount - res.captured - res.released) AS take
                  FROM tasks t JOIN reservations res ON res.id = t.reservation_id
                  WHERE t.id = @taskId AND res.settled_at IS NULL AND EXISTS (SELECT 1 FROM img)
                  FOR UPDATE OF res) x
            WHERE r.id = x.id AND x.take > 0
            RETURNING r.id, r.account_id, x.take),
        cape AS (INSERT INTO ledger_entries (account_id, kind, amount, reservation_id, created_at) SELECT account_id, 'capture', take, id, @now FROM cap),
        tc AS (UPDATE tasks SET credits_charged = credits_charged + cap.take FROM cap WHERE tasks.id = @taskId)
        SELECT (SELECT count(*) FROM img) AS Applied, {OpenImagesSql} AS Open;
        {EndCheckSql}
        """;

    private const string RetrySql = $"""
        {LockTaskSql}
        WITH img AS (
            UPDATE task_images i SET
                status = CASE WHEN t.canceled_at IS NULL THEN 'queued' ELSE 'canceled' END,
                completed_at = CASE WHEN t.canceled_at IS NULL THEN NULL ELSE @now END,
                lease_until = NULL, next_attempt_at = @nextAttemptAt, error_code = @code, error_message = @message
            FROM tasks t
            WHERE t.id = @taskId AND i.task_id = @taskId AND i.idx = @index AND i.attempt = @attempt AND i.status = 'running'
            RETURNING i.status)
        SELECT (SELECT count(*) FROM img) AS Applied, (SELECT count(*) FROM img WHERE status = 'canceled') AS Canceled,
               (SELECT count(*) FROM img WHERE status = 'queued') AS Requeued, {OpenImagesSql} AS Open;
        """;

    private const string HandBackSql = $"""
        {LockTaskSql}
        WITH img AS (
            UPDATE task_images i SET
                status = CASE WHEN t.canceled_at IS NULL THEN 'queued' ELSE 'canceled' END,
                completed_at = CASE WHEN t.canceled_at IS NULL THEN NULL ELSE @now END,
                lease_until = NULL, next_attempt_at = @now, attempt = i.attempt - 1
            FROM tasks t
            WHERE t.id = @taskId AND i.task_id = @taskId AND i.idx = @index AND i.attempt = @attempt AND i.status = 'running'
            RETURNING i.status)
        SELECT (SELECT count(*) FROM img) AS Applied, (SELECT count(*) FROM img WHERE status = 'canceled') AS Canceled,
               (SELECT count(*) FROM img WHERE status = 'queued') AS Requeued, {OpenImagesSql} AS Open;
        """;

    private const string FailSql = $"""
        {LockTaskSql}
        WITH img AS (
            UPDATE task_images SET status = 'failed', lease_until = NULL, completed_at = @now, error_code = @code, error_message = @message
            WHERE task_id = @taskId AND idx = @index AND attempt = @attempt AND status = 'running'
            RETURNING 1)
        SELECT (SELECT count(*) FROM img) AS Applied, {OpenImagesSql} AS Open;
        """;

    private const string SnapshotSql = $"""
        SELECT {TaskColumns}, {ImageColumns}
        FROM tasks t JOIN task_images i ON i.task_id = t.id LEFT JOIN media m ON m.id = i.media_id
        WHERE t.id = @taskId
        ORDER BY i.idx
        """;

    private const string EndCheckSql = $"""
        SELECT {OpenImagesSql} AS Open,
               (SELECT count(*) FROM task_images WHERE task_id = @taskId AND status = 'succeeded') AS Succeeded,
               (SELECT count(*) FROM task_images WHERE task_id = @taskId AND status = 'canceled') AS Canceled;
        SELECT t.status AS Status, t.n AS N, t.reservation_id AS ReservationId, t.canceled_at AS CanceledAt, t.account_id AS AccountId,
               t.callback_url AS CallbackUrl, t.webhook_url AS WebhookUrl
        FROM tasks t WHERE t.id = @taskId;
        SELECT error_code AS Code, error_message AS Message FROM task_images WHERE task_id = @taskId AND status = 'failed' ORDER BY idx LIMIT 1;
        """;

    private const string EndSql = $"""
        WITH {PostgresLedgerCommands.ReleaseCtes},
        te AS (
            UPDATE tasks SET status = @status, credits_refunded = credits_refunded + COALESCE((SELECT rest FROM rel), 0),
                error_code = @errorCode, error_message = @errorMessage, completed_at = @now
            WHERE id = @taskId)
        SELECT 1;
        -- The task's usage on its reservation (as SQLite's TaskUsageSql): images made, failed images refunded at the
        -- task's price (never more than was released), the channel of its first image made.
        UPDATE reservations SET
            images = (SELECT count(*) FROM task_images WHERE task_id = @taskId AND status = 'succeeded'),
            refunded = LEAST(released, (SELECT count(*) FROM task_images WHERE task_id = @taskId AND status = 'failed') * (SELECT price FROM tasks WHERE id = @taskId)),
            channel = COALESCE(channel, (SELECT min(channel COLLATE "C") FROM task_images WHERE task_id = @taskId AND status = 'succeeded'))
        WHERE id = @reservationId;
        """;

    private readonly PostgresGroupCommit<PendingCreate, TaskRow?> _creates = new(
        db, MaxCreateBatch, p => p.Task.AccountId, CreateCommand, ReadCreatedAsync, p => CreateAloneAsync(db, p));

    /// <inheritdoc />
    public async Task<TaskRow?> CreateAsync(NewTask task, long now, CancellationToken cancellationToken)
    {
        // A key with a spending cap checks its spend in the hold's own transaction, under its row lock: such creates run
        // on their own rather than in the group commit (whose batch is one statement per create).
        var row = task.Key is { Capped: true } key
            ? await db.WriteAsync(async (c, tx) =>
            {
                await PostgresLedgerCommands.CheckSpendCapAsync(c, tx, key.KeyId, (long)task.N * task.Price, now).ConfigureAwait(false);
                return await c.QuerySingleOrDefaultAsync<TaskRow?>(CreateSql, CreateParameters(task, now), tx).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false)
            : await _creates.RunAsync(new PendingCreate(task, now), cancellationToken).ConfigureAwait(false);
        if (row is not null)
        {
            notifier.Post(TasksDue);
        }

        return row;
    }

    /// <summary>One create in a group commit: the statement with its parameters (those of <see cref="CreateAloneAsync"/>).</summary>
    private static NpgsqlBatchCommand CreateCommand(PendingCreate p)
    {
        var task = p.Task;
        var idem = task.Idempotency;
        return new NpgsqlBatchCommand(CreateSql)
        {
            Parameters =
            {
                Param("id", NpgsqlDbType.Text, Ids.New("res_")),
                Param("accountId", NpgsqlDbType.Text, task.AccountId),
                Param("keyId", NpgsqlDbType.Text, task.Key?.KeyId),
                Param("credits", NpgsqlDbType.Bigint, (long)task.N * task.Price),
                Param("purpose", NpgsqlDbType.Text, "task"),
                Param("model", NpgsqlDbType.Text, task.Model),
                Param("now", NpgsqlDbType.Bigint, p.Now),
                Param("taskId", NpgsqlDbType.Text, task.Id),
                Param("request", NpgsqlDbType.Text, task.RequestJson),
                Param("requestId", NpgsqlDbType.Text, task.RequestId),
                Param("baseUrl", NpgsqlDbType.Text, task.BaseUrl),
                Param("n", NpgsqlDbType.Integer, task.N),
                Param("price", NpgsqlDbType.Integer, task.Price),
                Param("callbackUrl", NpgsqlDbType.Text, task.CallbackUrl),
                Param("webhookUrl", NpgsqlDbType.Text, task.WebhookUrl),
                Param("held", NpgsqlDbType.Boolean, idem?.Held ?? false),
                Param("idemStatus", NpgsqlDbType.Integer, idem?.Status),
                Param("idemBody", NpgsqlDbType.Text, idem?.Body),
                Param("idemLocation", NpgsqlDbType.Text, idem?.Location),
                Param("idemKey", NpgsqlDbType.Text, idem?.Key),
            },
        };
    }

    private static NpgsqlParameter Param(string name, NpgsqlDbType type, object? value) => new(name, type) { Value = value ?? DBNull.Value };

    private static async Task<TaskRow?> ReadCreatedAsync(NpgsqlDataReader reader)
    {
        if (!await reader.ReadAsync().ConfigureAwait(false))
        {
            return null; // not enough credits: nothing was written
        }

        return reader.GetRowParser<TaskRow>()(reader);
    }

    private static Task<TaskRow?> CreateAloneAsync(PostgresDatabase db, PendingCreate p) =>
        db.RunAsync(c => c.QuerySingleOrDefaultAsync<TaskRow?>(CreateSql, CreateParameters(p.Task, p.Now)));

    private static object CreateParameters(NewTask task, long now)
    {
        var idem = task.Idempotency;
        return new
        {
            id = Ids.New("res_"),
            accountId = task.AccountId,
            keyId = task.Key?.KeyId,
            credits = (long)task.N * task.Price,
            purpose = "task",
            model = task.Model,
            now,
            taskId = task.Id,
            request = task.RequestJson,
            requestId = task.RequestId,
            baseUrl = task.BaseUrl,
            n = task.N,
            price = task.Price,
            callbackUrl = task.CallbackUrl,
            webhookUrl = task.WebhookUrl,
            held = idem?.Held ?? false,
            idemStatus = idem?.Status,
            idemBody = idem?.Body,
            idemLocation = idem?.Location,
            idemKey = idem?.Key,
        };
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ImageClaim>> ClaimAsync(int max, long now, long leaseUntil, int maxAttempts, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<ImageClaim>>(async (c, tx, notes) =>
        {
            var rows = (await c.QueryAsync<ClaimRow>(ClaimSql, new { max, now, leaseUntil, maxAttempts }, tx).ConfigureAwait(false))
                .OrderBy(r => r.Due).ThenBy(r => r.Seq).ThenBy(r => r.Idx).ToList();
            var claims = new List<ImageClaim>(rows.Count);
            foreach (var row in rows)
            {
                if (!row.GiveUp)
                {
                    claims.Add(new ImageClaim(row.TaskId, (int)row.Idx, row.Attempt, row.AccountId!, row.Model!, row.Request!, row.RequestId!));
                    continue;
                }

                // The worker vanished mid-image: of a canceled task the image is canceled (as a retry after cancel
                // would be); on the last allowed attempt it is given up. The row and its task are locked by this claim.
                var (status, code, message) = row.Canceled
                    ? ("canceled", (string?)null, (string?)null)
                    : ("failed", "timeout", $"The image was not finished after {row.Attempt} attempts.");
                var ended = await c.ExecuteAsync(
                    """
                    UPDATE task_images SET status = @status, lease_until = NULL, completed_at = @now, error_code = @code, error_message = @message
                    WHERE task_id = @TaskId AND idx = @Idx AND attempt = @Attempt AND status = 'running'
                    """,
                    new { status, now, row.TaskId, row.Idx, row.Attempt, code, message }, tx).ConfigureAwait(false);
                if (ended == 1)
                {
                    await EndTaskIfDoneAsync(c, tx, notes, row.TaskId, now).ConfigureAwait(false);
                }
            }

            return claims;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> HeartbeatAsync(string taskId, int index, long attempt, long leaseUntil, CancellationToken cancellationToken) =>
        db.RunAsync(async c => await c.ExecuteAsync(
            "UPDATE task_images SET lease_until = @leaseUntil WHERE task_id = @taskId AND idx = @index AND attempt = @attempt AND status = 'running'",
            new { leaseUntil, taskId, index, attempt }).ConfigureAwait(false) == 1, cancellationToken);

    /// <inheritdoc />
    public Task<ImageWrite> SucceedAsync(string taskId, int index, long attempt, ImageSuccess image, long now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx, notes) =>
        {
            var m = image.Media;
            using var results = await c.QueryMultipleAsync(
                SucceedSql,
                new
                {
                    taskId,
                    index,
                    attempt,
                    now,
                    mediaId = image.MediaId,
                    mimeType = image.MimeType,
                    width = image.Width,
                    height = image.Height,
                    text = image.Text,
                    inputTokens = image.InputTokens,
                    outputTokens = image.OutputTokens,
                    imageTokens = image.ImageTokens,
                    channel = image.Channel,
                    withMedia = m is not null,
                    mediaAccountId = m?.AccountId,
                    mediaMimeType = m?.MimeType,
                    mediaBytes = m?.Bytes,
                    mediaWidth = m?.Width,
                    mediaHeight = m?.Height,
                    mediaCreatedAt = m?.CreatedAt,
                    mediaExpiresAt = m?.ExpiresAt,
                },
                tx).ConfigureAwait(false);
            _ = await results.ReadAsync<string>().ConfigureAwait(false);
            var write = await results.ReadSingleAsync<WriteRow>().ConfigureAwait(false);
            var check = await ReadEndCheckAsync(results).ConfigureAwait(false);
            return write.Applied != 1
                ? new ImageWrite(false, false)
                : new ImageWrite(true, write.Open - 1 == 0 && await EndTaskIfDoneAsync(c, tx, notes, taskId, now, check).ConfigureAwait(false));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ImageWrite> RetryAsync(string taskId, int index, long attempt, long nextAttemptAt, string code, string message, long now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx, notes) =>
        {
            using var results = await c.QueryMultipleAsync(RetrySql, new { taskId, index, attempt, nextAttemptAt, code, message, now }, tx).ConfigureAwait(false);
            _ = await results.ReadAsync<string>().ConfigureAwait(false);
            var write = await results.ReadSingleAsync<WriteRow>().ConfigureAwait(false);
            if (write.Requeued > 0)
            {
                notes.Add(TasksDue);
            }

            // A re-queued image keeps its task open; a canceled one may have been the last.
            return await FinishAsync(c, tx, notes, taskId, write.Applied == 1, write.Canceled == 1 && write.Open - 1 == 0, now).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ImageWrite> HandBackAsync(string taskId, int index, long attempt, long now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx, notes) =>
        {
            using var results = await c.QueryMultipleAsync(HandBackSql, new { taskId, index, attempt, now }, tx).ConfigureAwait(false);
            _ = await results.ReadAsync<string>().ConfigureAwait(false);
            var write = await results.ReadSingleAsync<WriteRow>().ConfigureAwait(false);
            if (write.Requeued > 0)
            {
                notes.Add(TasksDue);
            }

            return await FinishAsync(c, tx, notes, taskId, write.Applied == 1, write.Canceled == 1 && write.Open - 1 == 0, now).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ImageWrite> FailAsync(string taskId, int index, long attempt, string code, string message, long now, CancellationToken cancellationToken) =>
        WriteAsync(async (c, tx, notes) =>
        {
            using var results = await c.QueryMultipleAsync(FailSql, new { taskId, index, attempt, code, message, now }, tx).ConfigureAwait(false);
            _ = await results.ReadAsync<string>().ConfigureAwait(false);
            var write = await results.ReadSingleAsync<WriteRow>().ConfigureAwait(false);
            return await FinishAsync(c, tx, notes, taskId, write.Applied == 1, write.Applied == 1 && write.Open - 1 == 0, now).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<(TaskSnapshot? Task, bool Ended)> CancelAsync(string accountId, string taskId, long now, CancellationToken cancellationToken) =>
        WriteAsync<(TaskSnapshot?, bool)>(async (c, tx, notes) =>
        {
            var status = await c.ExecuteScalarAsync<string?>(
                "SELECT status FROM tasks WHERE id = @taskId AND account_id = @accountId FOR NO KEY UPDATE", new { taskId, accountId }, tx).ConfigureAwait(false);
            if (status is null)
            {
                return (null, false);
            }

            var ended = false;
            if (!TaskStatuses.IsTerminal(status))
            {
                await c.ExecuteAsync(
                    """
                    UPDATE tasks SET canceled_at = COALESCE(canceled_at, @now) WHERE id = @taskId;
                    UPDATE task_images SET status = 'canceled', completed_at = @now, next_attempt_at = @now WHERE task_id = @taskId AND status = 'queued';
                    """,
                    new { now, taskId }, tx).ConfigureAwait(false);
                ended = await EndTaskIfDoneAsync(c, tx, notes, taskId, now).ConfigureAwait(false);
            }

            return (await ReadSnapshotAsync(c, tx, taskId).ConfigureAwait(false), ended);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<TaskSnapshot?> GetAsync(string taskId, string? accountId, CancellationToken cancellationToken) =>
        db.RunAsync(async c =>
        {
            // One statement: task and images from one snapshot.
            var snapshot = await ReadSnapshotAsync(c, null, taskId).ConfigureAwait(false);
            return snapshot is not null && (accountId is null || snapshot.Task.AccountId == accountId) ? snapshot : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<TaskSnapshot>> ListAsync(string accountId, string? status, int limit, string? after, CancellationToken cancellationToken) =>
        db.RunAsync<IReadOnlyList<TaskSnapshot>>(async c =>
        {
            // One statement (one snapshot): the page by insertion order, joined with its images.
            var rows = await c.QueryAsync<TaskRow, TaskImageRow, (TaskRow Task, TaskImageRow Image)>(
                $"""
                WITH page AS (
                    SELECT * FROM tasks
                    WHERE account_id = @accountId
                      AND (@status::text IS NULL OR status = @status)
                      AND (@after::text IS NULL OR seq < (SELECT seq FROM tasks WHERE id = @after AND account_id = @accountId))
                    ORDER BY seq DESC
                    LIMIT @take)
                SELECT {TaskColumns}, {ImageColumns}
                FROM page t JOIN task_images i ON i.task_id = t.id LEFT JOIN media m ON m.id = i.media_id
                ORDER BY t.seq DESC, i.idx
                """,
                (t, i) => (t, i),
                new { accountId, status, after, take = limit + 1 },
                splitOn: "TaskId").ConfigureAwait(false);
            return Group(rows);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<QueueDepth> QueueDepthAsync(string accountId, CancellationToken cancellationToken) =>
        db.RunAsync(
            c => c.QuerySingleAsync<QueueDepth>(
                // task_queue_depth is kept in step with tasks by triggers (migration 0011): up to 16 shard rows per
                // account with a queue, instead of a sum over every queued task on every submit.
                """
                SELECT COALESCE((SELECT sum(images) FROM task_queue_depth WHERE account_id = @accountId), 0)::bigint AS Account,
                       COALESCE((SELECT sum(images) FROM task_queue_depth), 0)::bigint AS Total
                """,
                new { accountId }),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string accountId, string taskId, CancellationToken cancellationToken) =>
        db.RunAsync(
            c => c.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM tasks WHERE id = @taskId AND account_id = @accountId)", new { taskId, accountId }),
            cancellationToken);

    /// <inheritdoc />
    public Task<IdempotencyOutcome> BeginIdempotentAsync(string accountId, string key, string requestHash, long now, long expiredBefore, long abandonedBefore, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, tx) =>
        {
            // Of two concurrent requests with one key, the second's INSERT waits for the first's commit and then does
            // nothing; its SELECT (a new statement, a new snapshot) then sees the first's row. Three statements, one
            // round trip; the loop covers a row deleted between the insert and the select (an abandon racing us).
            for (var tries = 0; ; tries++)
            {
                using var results = await c.QueryMultipleAsync(
                    """
                    WITH d AS (
                        DELETE FROM idempotency_keys WHERE account_id = @accountId AND key = @key
                          AND (created_at < @expiredBefore OR (status = 'in_flight' AND response_body IS NULL AND created_at < @abandonedBefore))
                        RETURNING 1)
                    SELECT count(*) FROM d;
                    INSERT INTO idempotency_keys (account_id, key, request_hash, status, created_at) VALUES (@accountId, @key, @requestHash, 'in_flight', @now)
                    ON CONFLICT (account_id, key) DO NOTHING RETURNING 1;
                    SELECT request_hash AS RequestHash, status AS Status, created_at AS CreatedAt, response_status AS ResponseStatus,
                           response_body AS ResponseBody, response_location AS ResponseLocation
                    FROM idempotency_keys WHERE account_id = @accountId AND key = @key;
                    """,
                    new { accountId, key, requestHash, now, expiredBefore, abandonedBefore }, tx).ConfigureAwait(false);
                _ = await results.ReadAsync<long>().ConfigureAwait(false);
                var inserted = (await results.ReadAsync<int>().ConfigureAwait(false)).Any();
                var row = await results.ReadSingleOrDefaultAsync<IdempotencyRow>().ConfigureAwait(false);
                if (inserted)
                {
                    return new IdempotencyOutcome(IdempotencyState.Started, null);
                }

                if (row is null)
                {
                    if (tries < 3)
                    {
                        continue;
                    }

                    return new IdempotencyOutcome(IdempotencyState.InFlight, null);
                }

                if (!string.Equals(row.RequestHash, requestHash, StringComparison.Ordinal))
                {
                    return new IdempotencyOutcome(IdempotencyState.Mismatch, null);
                }

                var abandoned = row.CreatedAt < abandonedBefore;
                return row.Status == "in_flight" && !abandoned
                    ? new IdempotencyOutcome(IdempotencyState.InFlight, null)
                    : new IdempotencyOutcome(IdempotencyState.Replay, new IdempotentResponse(key, (int)row.ResponseStatus.GetValueOrDefault(200), row.ResponseBody ?? "{}", row.ResponseLocation));
            }
        }, cancellationToken);

    /// <inheritdoc />
    public Task CompleteIdempotentAsync(string accountId, string key, int status, string body, string? location, CancellationToken cancellationToken) =>
        db.RunAsync(
            c => c.ExecuteAsync(
                "UPDATE idempotency_keys SET status = 'done', response_status = @status, response_body = @body, response_location = @location WHERE account_id = @accountId AND key = @key",
                new { status, body, location, accountId, key }),
            cancellationToken);

    /// <inheritdoc />
    public Task AbandonIdempotentAsync(string accountId, string key, CancellationToken cancellationToken) =>
        db.RunAsync(
            c => c.ExecuteAsync("DELETE FROM idempotency_keys WHERE account_id = @accountId AND key = @key AND status = 'in_flight'", new { accountId, key }),
            cancellationToken);

    /// <inheritdoc />
    public Task<int> PruneIdempotencyAsync(long before, CancellationToken cancellationToken) =>
        db.RunAsync(c => c.ExecuteAsync("DELETE FROM idempotency_keys WHERE created_at < @before", new { before }), cancellationToken);

    /// <summary>
    /// <see cref="PostgresDatabase.WriteAsync"/>, then the notifications the transaction collected in its list, sent
    /// once it committed (an attempt the server rolled back and that was retried leaves none of its own).
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, List<string>, Task<T>> work, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        var result = await db.WriteAsync((c, tx) =>
        {
            notes.Clear();
            return work(c, tx, notes);
        }, cancellationToken).ConfigureAwait(false);
        foreach (var note in notes)
        {
            notifier.Post(note);
        }

        return result;
    }

    /// <summary>The result of a fenced write whose statement already told whether it may have ended the task.</summary>
    private async Task<ImageWrite> FinishAsync(NpgsqlConnection c, NpgsqlTransaction tx, List<string> notes, string taskId, bool applied, bool lastOpen, long now) =>
        !applied
            ? new ImageWrite(false, false)
            : new ImageWrite(true, lastOpen && await EndTaskIfDoneAsync(c, tx, notes, taskId, now).ConfigureAwait(false));

    /// <summary>
    /// If no image of the task is queued or running any more: sets the terminal status, settles the reservation
    /// (what was not captured is released), records the refund, writes the webhook outbox rows and adds the
    /// notifications to <paramref name="notes"/> (sent after the commit). The caller holds the task's row lock.
    /// </summary>
    /// <param name="c">The open connection.</param>
    /// <param name="tx">The caller's transaction.</param>
    /// <param name="notes">The notifications to send after the commit.</param>
    /// <param name="taskId">The task.</param>
    /// <param name="now">The caller's time (Unix milliseconds).</param>
    /// <param name="check">The results of <see cref="EndCheckSql"/> when the caller read them with its write (read here otherwise).</param>
    private async Task<bool> EndTaskIfDoneAsync(NpgsqlConnection c, NpgsqlTransaction tx, List<string> notes, string taskId, long now, EndCheck? check = null)
    {
        if (check is null)
        {
            using var results = await c.QueryMultipleAsync(EndCheckSql, new { taskId }, tx).ConfigureAwait(false);
            check = await ReadEndCheckAsync(results).ConfigureAwait(false);
        }

        var (counts, task, firstFailure) = check;
        if (counts.Open > 0 || TaskStatuses.IsTerminal(task.Status))
        {
            return false;
        }

        var status = TaskStatuses.Final(task.N, counts.Succeeded, counts.Canceled, task.CanceledAt is not null);
        var (errorCode, errorMessage) = TaskStatuses.FinalError(status, firstFailure);

        var end = new { reservationId = task.ReservationId, now, status, errorCode, errorMessage, taskId };
        var targets = new[] { task.CallbackUrl, task.WebhookUrl }.Where(u => !string.IsNullOrEmpty(u)).Distinct(StringComparer.Ordinal).ToList();
        notes.Add(Changes.ChangeTopics.TaskEnded + ":" + taskId);
        if (targets.Count == 0)
        {
            await c.ExecuteAsync(EndSql, end, tx).ConfigureAwait(false);
            return true;
        }

        // The end and the snapshot the webhook renders, in one round trip: the snapshot is a later statement of
        // the same transaction, so it sees the ended task (one round trip less per task with a webhook).
        var rows = new List<(TaskRow Task, TaskImageRow Image)>();
        await using (var ended = await c.ExecuteReaderAsync(EndSql + ";\n" + SnapshotSql, end, tx).ConfigureAwait(false))
        {
            await ended.NextResultAsync().ConfigureAwait(false);
            var split = ended.GetOrdinal("TaskId"); // the first image column (as in ReadSnapshotAsync's splitOn)
            var taskRow = ended.GetRowParser<TaskRow>(startIndex: 0, length: split);
            var imageRow = ended.GetRowParser<TaskImageRow>(startIndex: split);
            while (await ended.ReadAsync().ConfigureAwait(false))
            {
                rows.Add((taskRow(ended), imageRow(ended)));
            }
        }

        var snapshot = Group(rows)[0];

        var (payload, expiresAt) = events.Render(snapshot, now);
        var traceparent = events.TraceParent(snapshot);
        await c.ExecuteAsync(
            $"""
            INSERT INTO webhook_deliveries (id, account_id, task_id, url, payload, next_attempt_at, expires_at, created_at, traceparent)
            SELECT id, @accountId, @taskId, url, @payload, @now, @expiresAt, @now, @traceparent FROM unnest(@ids, @urls) AS d(id, url);
            """,
            new { accountId = task.AccountId, taskId, payload, now, expiresAt, traceparent, ids = targets.Select(_ => Ids.New("msg_", 24)).ToArray(), urls = targets.ToArray() },
            tx).ConfigureAwait(false);
        notes.Add(Changes.ChangeTopics.WebhooksDue);

        return true;
    }

    private static async Task<EndCheck> ReadEndCheckAsync(SqlMapper.GridReader results)
    {
        var counts = await results.ReadSingleAsync<EndCounts>().ConfigureAwait(false);
        var task = await results.ReadSingleAsync<EndTaskRow>().ConfigureAwait(false);
        var failure = await results.ReadSingleOrDefaultAsync<FailureRow>().ConfigureAwait(false);
        return new EndCheck(counts, task, failure is null ? null : (failure.Code, failure.Message));
    }

    private static async Task<TaskSnapshot?> ReadSnapshotAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string taskId)
    {
        var rows = await c.QueryAsync<TaskRow, TaskImageRow, (TaskRow Task, TaskImageRow Image)>(
            SnapshotSql, (t, i) => (t, i), new { taskId }, tx, splitOn: "TaskId").ConfigureAwait(false);
        return Group(rows) is [var snapshot] ? snapshot : null;
    }

    /// <summary>Rows of a task-and-image join, in order, as snapshots (one per task, in first-seen order).</summary>
    private static List<TaskSnapshot> Group(IEnumerable<(TaskRow Task, TaskImageRow Image)> rows)
    {
        var snapshots = new List<TaskSnapshot>();
        List<TaskImageRow>? images = null;
        string? current = null;
        foreach (var (task, image) in rows)
        {
            if (!string.Equals(current, task.Id, StringComparison.Ordinal))
            {
                current = task.Id;
                images = [];
                snapshots.Add(new TaskSnapshot(task, images));
            }

            images!.Add(image);
        }

        return snapshots;
    }

    private sealed record PendingCreate(NewTask Task, long Now);

    private sealed record EndCheck(EndCounts Counts, EndTaskRow Task, (string? Code, string? Message)? FirstFailure);

    private sealed class ClaimRow
    {
        public bool GiveUp { get; set; }
        public string TaskId { get; set; } = "";
        public long Idx { get; set; }
        public long Attempt { get; set; }
        public long Due { get; set; }
        public long Seq { get; set; }
        public bool Canceled { get; set; }
        public string? AccountId { get; set; }
        public string? Model { get; set; }
        public string? Request { get; set; }
        public string? RequestId { get; set; }
    }

    private sealed class WriteRow
    {
        public long Applied { get; set; }
        public long Canceled { get; set; }
        public long Requeued { get; set; }
        public long Open { get; set; }
    }

    private sealed class EndCounts
    {
        public long Open { get; set; }
        public long Succeeded { get; set; }
        public long Canceled { get; set; }
    }

    private sealed class EndTaskRow
    {
        public string Status { get; set; } = "";
        public long N { get; set; }
        public string ReservationId { get; set; } = "";
        public long? CanceledAt { get; set; }
        public string AccountId { get; set; } = "";
        public string? CallbackUrl { get; set; }
        public string? WebhookUrl { get; set; }
    }

    private sealed class FailureRow
    {
        public string? Code { get; set; }
        public string? Message { get; set; }
    }

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
