namespace Nanogate.Client;

/// <summary>
/// A task ended without any image (status <c>failed</c> or <c>canceled</c>): <see cref="NanogateException.Code"/> is the
/// task's error code (such as <c>content_blocked</c>, <c>upstream_unavailable</c>) and <see cref="Task"/> the task.
/// Thrown by the <see cref="Microsoft.Extensions.AI.IImageGenerator"/>; <see cref="NanogateClient"/> returns failed tasks as they are.
/// </summary>
public sealed class NanogateTaskFailedException : NanogateException
{
    /// <summary>Creates the exception.</summary>
    public NanogateTaskFailedException(NanogateTask task)
        : base(Describe(task), task?.Error?.Code ?? task?.Images.FirstOrDefault(i => i.Error is not null)?.Error?.Code ?? task?.Status ?? "failed", 0, requestId: task?.RequestId)
        => Task = task!;

    /// <summary>The failed task.</summary>
    public NanogateTask Task { get; }

    private static string Describe(NanogateTask? task)
    {
        var message = task?.Error?.Message ?? task?.Images.FirstOrDefault(i => i.Error is not null)?.Error?.Message;
        return $"Task {task?.TaskId} {task?.Status}" + (message is null ? "." : $": {message}");
    }
}
