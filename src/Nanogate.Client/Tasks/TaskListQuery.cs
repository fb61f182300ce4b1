namespace Nanogate.Client;

/// <summary>Filters of <c>GET /v1/tasks</c>.</summary>
public sealed class TaskListQuery
{
    /// <summary>Only tasks with this status (see <see cref="NanogateTaskStatus"/>).</summary>
    public string? Status { get; set; }

    /// <summary>At most this many (1 to 100).</summary>
    public int? Limit { get; set; }

    /// <summary>The <see cref="TaskList.NextCursor"/> of the previous page.</summary>
    public string? After { get; set; }
}
