namespace Nanogate.Client;

/// <summary>A page of the caller's tasks, newest first.</summary>
public sealed class TaskList
{
    /// <summary>The tasks of this page.</summary>
    public IReadOnlyList<NanogateTask> Data { get; set; } = [];

    /// <summary>Whether more tasks follow.</summary>
    public bool HasMore { get; set; }

    /// <summary>Pass as <see cref="TaskListQuery.After"/> for the next page.</summary>
    public string? NextCursor { get; set; }
}
