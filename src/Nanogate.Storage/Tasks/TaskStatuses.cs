namespace Nanogate.Storage.Tasks;

/// <summary>The task and image state names, as stored and as shown in the API.</summary>
public static class TaskStatuses
{
    /// <summary>Task submitted, no image started.</summary>
    public const string Pending = "pending";
    /// <summary>Task with an image started; also an image being generated.</summary>
    public const string Running = "running";
    /// <summary>Every image made.</summary>
    public const string Succeeded = "succeeded";
    /// <summary>Some images made, some not.</summary>
    public const string PartiallySucceeded = "partially_succeeded";
    /// <summary>No image made.</summary>
    public const string Failed = "failed";
    /// <summary>Canceled before any image was made.</summary>
    public const string Canceled = "canceled";
    /// <summary>Image waiting for a worker.</summary>
    public const string Queued = "queued";

    /// <summary>The task statuses a listing may filter on.</summary>
    public static readonly IReadOnlyList<string> All = [Pending, Running, Succeeded, PartiallySucceeded, Failed, Canceled];

    /// <summary>Whether a task status is final.</summary>
    public static bool IsTerminal(string status) => status is Succeeded or PartiallySucceeded or Failed or Canceled;
}
