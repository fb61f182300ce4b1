namespace Nanogate.Client;

/// <summary>The values of a task's (and an image's) <c>status</c>.</summary>
public static class NanogateTaskStatus
{
    /// <summary>Accepted, not started.</summary>
    public const string Pending = "pending";

    /// <summary>Images are being made.</summary>
    public const string Running = "running";

    /// <summary>Every image was made.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Some images were made, some failed or were canceled.</summary>
    public const string PartiallySucceeded = "partially_succeeded";

    /// <summary>No image was made.</summary>
    public const string Failed = "failed";

    /// <summary>Canceled before any image was made.</summary>
    public const string Canceled = "canceled";

    /// <summary>Whether <paramref name="status"/> is an end state (anything but pending and running).</summary>
    public static bool IsFinal(string? status) => status is not null and not Pending and not Running;
}
