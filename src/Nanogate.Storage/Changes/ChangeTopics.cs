namespace Nanogate.Storage.Changes;

/// <summary>The topics of <see cref="IChangeFeed"/>. Short names: they travel in every notification.</summary>
public static class ChangeTopics
{
    /// <summary>API keys changed (revoked, settings); detail: the key hash, or null for all.</summary>
    public const string Keys = "keys";

    /// <summary>The admin key's hash changed (rotated); detail: the new hash.</summary>
    public const string AdminKey = "admin";

    /// <summary>Upstream channels changed (added, edited, enabled, disabled, removed); detail: the channel name or null.</summary>
    public const string Channels = "channels";

    /// <summary>An account's credits changed outside a request (top-up, deduction); detail: the account id.</summary>
    public const string Credits = "credits";

    /// <summary>Task images became due (submitted, retried): idle workers look for work.</summary>
    public const string TasksDue = "tasks";

    /// <summary>A task ended; detail: the task id (requests holding on <c>Prefer: wait</c> answer).</summary>
    public const string TaskEnded = "task_ended";

    /// <summary>Webhook deliveries became due: the dispatcher looks for them.</summary>
    public const string WebhooksDue = "webhooks";
}
