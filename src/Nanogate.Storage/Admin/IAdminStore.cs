namespace Nanogate.Storage.Admin;

/// <summary>
/// What the operator's console changes and searches beyond the customer-facing stores: account search, rename,
/// disable and credit deductions, the task search with its webhook deliveries, and the audit log.
/// </summary>
public interface IAdminStore
{
    /// <summary>
    /// Accounts newest first whose id equals <paramref name="search"/> or whose name contains it (any case), or all
    /// when null; at most <paramref name="limit"/> after the account <paramref name="after"/>.
    /// </summary>
    Task<AccountPage> SearchAccountsAsync(string? search, int limit, string? after, CancellationToken cancellationToken);

    /// <summary>One account's summary, or null.</summary>
    Task<AccountSummary?> GetAccountAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Renames an account; false when no such account.</summary>
    Task<bool> RenameAccountAsync(string accountId, string name, CancellationToken cancellationToken);

    /// <summary>Disables (stamping <paramref name="now"/>, kept if already disabled) or enables an account; false when no such account.</summary>
    Task<bool> SetAccountDisabledAsync(string accountId, bool disabled, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Takes <paramref name="credits"/> (1 to the ledger's maximum) from the account's available credits with a
    /// <c>deduct</c> ledger entry noting <paramref name="reason"/>, in one transaction; never below zero (held
    /// credits are not touched).
    /// </summary>
    Task<DeductionResult> DeductAsync(string accountId, long credits, string reason, long now, CancellationToken cancellationToken);

    /// <summary>Tasks of every account matching <paramref name="query"/>, newest first.</summary>
    Task<AdminTaskPage> SearchTasksAsync(AdminTaskQuery query, CancellationToken cancellationToken);

    /// <summary>The webhook deliveries of a task, oldest first.</summary>
    Task<IReadOnlyList<WebhookAttemptRow>> ListWebhookDeliveriesAsync(string taskId, CancellationToken cancellationToken);

    /// <summary>Enqueues a new webhook delivery (a new message id) in the outbox, due now; returns its id.</summary>
    Task<string> EnqueueWebhookAsync(string accountId, string taskId, string url, string payload, long now, long expiresAt, CancellationToken cancellationToken);

    /// <summary>Records an admin action.</summary>
    Task AppendAuditAsync(NewAuditEntry entry, CancellationToken cancellationToken);

    /// <summary>Audit entries newest first, of <paramref name="target"/> if given, at most <paramref name="limit"/> older than entry <paramref name="before"/>.</summary>
    Task<AuditPage> ListAuditAsync(string? target, int limit, long? before, CancellationToken cancellationToken);
}
