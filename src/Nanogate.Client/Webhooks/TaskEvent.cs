namespace Nanogate.Client;

/// <summary>A task webhook: <c>task.succeeded</c>, <c>task.partially_succeeded</c>, <c>task.failed</c> or <c>task.canceled</c>.</summary>
public sealed class TaskEvent
{
    /// <summary>The event type.</summary>
    public string Type { get; set; } = "";

    /// <summary>When the event happened.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The ended task.</summary>
    public NanogateTask Data { get; set; } = new();
}
