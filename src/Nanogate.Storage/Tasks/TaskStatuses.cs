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

    /// <summary>
    /// The final status of a task none of whose n images is open any more (the store contract's rule, the same on every
    /// provider): every image made → succeeded; some → partially succeeded; none, a cancel asked and an image canceled
    /// → canceled; else failed.
    /// </summary>
    public static string Final(long n, long succeeded, long canceled, bool cancelRequested) =>
        succeeded == n ? Succeeded
        : succeeded > 0 ? PartiallySucceeded
        : cancelRequested && canceled > 0 ? Canceled
        : Failed;

    /// <summary>The task error for a <paramref name="final"/> status: a canceled task's, or a failed task's from its lowest-index failed image.</summary>
    public static (string? Code, string? Message) FinalError(string final, (string? Code, string? Message)? firstFailure) => final switch
    {
        Canceled => ("canceled", "The task was canceled before any image was made."),
        Failed => (firstFailure?.Code ?? "upstream_error", firstFailure?.Message ?? "No image could be made."),
        _ => (null, null),
    };

    /// <summary>Whether a task status is final.</summary>
    public static bool IsTerminal(string status) => status is Succeeded or PartiallySucceeded or Failed or Canceled;
}
