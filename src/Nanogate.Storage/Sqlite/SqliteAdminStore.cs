using Dapper;
using Nanogate.Storage.Admin;
using Nanogate.Storage.Ledger;

namespace Nanogate.Storage.Sqlite;

/// <summary>The operator's console store on SQLite.</summary>
public sealed class SqliteAdminStore(SqliteDatabase db) : IAdminStore
{
    private const string SummaryColumns = "id AS Id, name AS Name, created_at AS CreatedAt, credits_available AS CreditsAvailable, disabled_at AS DisabledAt";

    private const string AccountFilter = "(@search IS NULL OR id = @search OR name LIKE @pattern ESCAPE '\\')";

    private const string TaskFilter = """
        (@search IS NULL OR t.id = @search OR t.account_id = @search
            OR json_extract(t.request, '$.prompt') LIKE @pattern ESCAPE '\' OR a.name LIKE @pattern ESCAPE '\')
        AND (@status IS NULL OR t.status = @status)
        AND (@model IS NULL OR t.model = @model)
        AND (@accountId IS NULL OR t.account_id = @accountId)
        AND (@from IS NULL OR t.created_at >= @from)
        AND (@to IS NULL OR t.created_at < @to)
        """;

    /// <inheritdoc />
    public Task<AccountPage> SearchAccountsAsync(string? search, int limit, string? after, CancellationToken cancellationToken) =>
        db.ReadAsync(async c =>
        {
            var p = new { search, pattern = search is null ? null : AdminSql.Contains(search), after, take = limit + 1 };
            var rows = (await c.QueryAsync<AccountSummary>(
                $"""
                SELECT {SummaryColumns} FROM accounts
                WHERE {AccountFilter}
                  AND (@after IS NULL OR created_at < (SELECT created_at FROM accounts WHERE id = @after)
                       OR (created_at = (SELECT created_at FROM accounts WHERE id = @after) AND id > @after))
                ORDER BY created_at DESC, id LIMIT @take
                """, p).ConfigureAwait(false)).ToList();
            var total = await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM accounts WHERE {AccountFilter}", p).ConfigureAwait(false);
            return new AccountPage(rows.Take(limit).ToList(), total, rows.Count > limit);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<AccountSummary?> GetAccountAsync(string accountId, CancellationToken cancellationToken) =>
        db.ReadAsync(c => c.QuerySingleOrDefaultAsync<AccountSummary>($"SELECT {SummaryColumns} FROM accounts WHERE id = @accountId", new { accountId }), cancellationToken);

    /// <inheritdoc />
    public Task<bool> RenameAccountAsync(string accountId, string name, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, tx) =>
            await c.ExecuteAsync("UPDATE accounts SET name = @name WHERE id = @accountId", new { accountId, name }, tx).ConfigureAwait(false) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetAccountDisabledAsync(string accountId, bool disabled, long now, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, tx) =>
            await c.ExecuteAsync(
                disabled
                    ? "UPDATE accounts SET disabled_at = COALESCE(disabled_at, @now) WHERE id = @accountId"
                    : "UPDATE accounts SET disabled_at = NULL WHERE id = @accountId",
                new { accountId, now }, tx).ConfigureAwait(false) > 0,
            cancellationToken);

    /// <inheritdoc />
    public Task<DeductionResult> DeductAsync(string accountId, long credits, string reason, long now, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(credits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(credits, ILedger.MaxBalance);
        return db.WriteAsync(async (c, tx) =>
        {
            // The balance check and the debit are one conditional UPDATE, as a reservation's.
            var updated = await c.ExecuteAsync(
                "UPDATE accounts SET credits_available = credits_available - @credits WHERE id = @accountId AND credits_available >= @credits",
                new { credits, accountId }, tx).ConfigureAwait(false);
            var available = await c.ExecuteScalarAsync<long?>("SELECT credits_available FROM accounts WHERE id = @accountId", new { accountId }, tx).ConfigureAwait(false);
            if (available is null)
            {
                return new DeductionResult(DeductionOutcome.AccountNotFound, 0);
            }

            if (updated == 0)
            {
                return new DeductionResult(DeductionOutcome.InsufficientCredits, available.Value);
            }

            await c.ExecuteAsync(
                "INSERT INTO ledger_entries (account_id, kind, amount, note, created_at) VALUES (@accountId, 'deduct', @credits, @reason, @now)",
                new { accountId, credits, reason, now }, tx).ConfigureAwait(false);
            return new DeductionResult(DeductionOutcome.Deducted, available.Value);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<AdminTaskPage> SearchTasksAsync(AdminTaskQuery query, CancellationToken cancellationToken) =>
        db.ReadAsync(async c =>
        {
            ArgumentNullException.ThrowIfNull(query);
            var p = new
            {
                search = query.Search,
                pattern = query.Search is null ? null : AdminSql.Contains(query.Search),
                status = query.Status,
                model = query.Model,
                accountId = query.AccountId,
                from = query.From,
                to = query.To,
                after = query.After,
                take = query.Limit + 1,
            };
            var rows = (await c.QueryAsync<AdminTaskRecord>(
                $"""
                SELECT t.id AS Id, t.account_id AS AccountId, a.name AS AccountName, t.model AS Model, t.status AS Status, t.n AS N,
                       t.credits_reserved AS CreditsReserved, t.credits_charged AS CreditsCharged, t.credits_refunded AS CreditsRefunded,
                       t.error_code AS ErrorCode, t.error_message AS ErrorMessage, t.created_at AS CreatedAt, t.completed_at AS CompletedAt,
                       json_extract(t.request, '$.prompt') AS Prompt, json_extract(t.request, '$.aspect_ratio') AS AspectRatio,
                       json_extract(t.request, '$.resolution') AS Resolution,
                       (SELECT COUNT(*) FROM task_images i WHERE i.task_id = t.id AND i.status = 'succeeded') AS ImagesSucceeded,
                       (SELECT COUNT(*) FROM task_images i WHERE i.task_id = t.id AND i.status = 'failed') AS ImagesFailed
                FROM tasks t JOIN accounts a ON a.id = t.account_id
                WHERE {TaskFilter}
                  AND (@after IS NULL OR t.created_at < (SELECT created_at FROM tasks WHERE id = @after)
                       OR (t.created_at = (SELECT created_at FROM tasks WHERE id = @after) AND t.id < @after))
                ORDER BY t.created_at DESC, t.id DESC
                LIMIT @take
                """, p).ConfigureAwait(false)).ToList();
            var total = await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM tasks t JOIN accounts a ON a.id = t.account_id WHERE {TaskFilter}", p).ConfigureAwait(false);
            return new AdminTaskPage(rows.Take(query.Limit).Select(r => r.ToRow()).ToList(), total, rows.Count > query.Limit);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<WebhookAttemptRow>> ListWebhookDeliveriesAsync(string taskId, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<WebhookAttemptRow>>(async c => [.. await c.QueryAsync<WebhookAttemptRow>(
            """
            SELECT id AS Id, url AS Url, status AS Status, attempts AS Attempts, last_status AS LastStatus, last_error AS LastError,
                   created_at AS CreatedAt, next_attempt_at AS NextAttemptAt, delivered_at AS DeliveredAt
            FROM webhook_deliveries WHERE task_id = @taskId ORDER BY created_at, id
            """, new { taskId }).ConfigureAwait(false)], cancellationToken);

    /// <inheritdoc />
    public Task<string> EnqueueWebhookAsync(string accountId, string taskId, string url, string payload, long now, long expiresAt, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, tx) =>
        {
            var id = AdminSql.NewMessageId();
            await c.ExecuteAsync(
                "INSERT INTO webhook_deliveries (id, account_id, task_id, url, payload, next_attempt_at, expires_at, created_at) VALUES (@id, @accountId, @taskId, @url, @payload, @now, @expiresAt, @now)",
                new { id, accountId, taskId, url, payload, now, expiresAt }, tx).ConfigureAwait(false);
            return id;
        }, cancellationToken);

    /// <inheritdoc />
    public Task AppendAuditAsync(NewAuditEntry entry, CancellationToken cancellationToken) =>
        db.WriteAsync(
            (c, tx) => c.ExecuteAsync("INSERT INTO audit_log (at, actor, action, target, detail, ip) VALUES (@At, @Actor, @Action, @Target, @Detail, @Ip)", entry, tx),
            cancellationToken);

    /// <inheritdoc />
    public Task<AuditPage> ListAuditAsync(string? target, int limit, long? before, CancellationToken cancellationToken) =>
        db.ReadAsync(async c =>
        {
            var p = new { target, before, take = limit + 1 };
            var rows = (await c.QueryAsync<AuditEntry>(
                """
                SELECT id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, detail AS Detail, ip AS Ip FROM audit_log
                WHERE (@target IS NULL OR target = @target) AND (@before IS NULL OR id < @before)
                ORDER BY id DESC LIMIT @take
                """, p).ConfigureAwait(false)).ToList();
            var total = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_log WHERE (@target IS NULL OR target = @target)", p).ConfigureAwait(false);
            return new AuditPage(rows.Take(limit).ToList(), total, rows.Count > limit);
        }, cancellationToken);
}
