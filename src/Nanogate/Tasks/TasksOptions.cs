using System.ComponentModel.DataAnnotations;

namespace Nanogate.Tasks;

/// <summary>The <c>Tasks</c> configuration section: the worker pool of the task queue.</summary>
internal sealed class TasksOptions
{
    /// <summary>Images generated at once by this process (<c>Tasks:Workers</c>).</summary>
    [Range(1, 1024, ErrorMessage = "Tasks:Workers must be between 1 and 1024.")]
    public int Workers { get; set; } = 16;

    /// <summary>Upstream calls per image before it fails (<c>Tasks:MaxAttempts</c>).</summary>
    [Range(1, 20, ErrorMessage = "Tasks:MaxAttempts must be between 1 and 20.")]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How often idle workers look for due images, in ms (<c>Tasks:PollIntervalMs</c>); submits also wake them at once.</summary>
    [Range(10, 60_000, ErrorMessage = "Tasks:PollIntervalMs must be between 10 and 60000.")]
    public int PollIntervalMs { get; set; } = 250;

    /// <summary>A claim's lease, in seconds (<c>Tasks:LeaseSeconds</c>); an image whose worker stops heartbeating is re-claimed after it.</summary>
    [Range(2, 3600, ErrorMessage = "Tasks:LeaseSeconds must be between 2 and 3600.")]
    public int LeaseSeconds { get; set; } = 30;

    /// <summary>How often a working worker extends its lease, in seconds (<c>Tasks:HeartbeatSeconds</c>).</summary>
    [Range(1, 3600, ErrorMessage = "Tasks:HeartbeatSeconds must be between 1 and 3600.")]
    public int HeartbeatSeconds { get; set; } = 10;

    /// <summary>First retry delay in ms, doubled per attempt (<c>Tasks:RetryBaseDelayMs</c>).</summary>
    [Range(0, 600_000, ErrorMessage = "Tasks:RetryBaseDelayMs must be between 0 and 600000.")]
    public int RetryBaseDelayMs { get; set; } = 1000;

    /// <summary>
    /// At shutdown (SIGTERM), how long images in progress may take to finish before they are handed back to the
    /// queue, in seconds (<c>Tasks:ShutdownGraceSeconds</c>). Orchestrators kill after their own grace period
    /// (Kubernetes: 30 s by default), so keep this below it; the host's shutdown timeout is set to this plus 10 s.
    /// </summary>
    [Range(0, 3600, ErrorMessage = "Tasks:ShutdownGraceSeconds must be between 0 and 3600.")]
    public int ShutdownGraceSeconds { get; set; } = 20;

    /// <summary>
    /// The most images one account may have in unfinished tasks (<c>Tasks:MaxQueuedImagesPerAccount</c>); a submission
    /// past it is refused with 429 and <c>Retry-After</c>, so one client cannot fill the queue for everyone.
    /// </summary>
    [Range(1, 10_000_000, ErrorMessage = "Tasks:MaxQueuedImagesPerAccount must be between 1 and 10000000.")]
    public int MaxQueuedImagesPerAccount { get; set; } = 500;

    /// <summary>
    /// The most images all accounts together may have in unfinished tasks (<c>Tasks:MaxQueuedImages</c>; with several
    /// processes on one database, the bound is shared). Past it, 429 with <c>Retry-After</c>: waits stay bounded and the
    /// database and media folder stop growing with a backlog nobody will wait for.
    /// </summary>
    [Range(1, 100_000_000, ErrorMessage = "Tasks:MaxQueuedImages must be between 1 and 100000000.")]
    public int MaxQueuedImages { get; set; } = 5_000;

    /// <summary>The <c>Retry-After</c> of a submission refused by a queue bound, in seconds (<c>Tasks:QueueFullRetryAfterSeconds</c>).</summary>
    [Range(1, 3600, ErrorMessage = "Tasks:QueueFullRetryAfterSeconds must be between 1 and 3600.")]
    public int QueueFullRetryAfterSeconds { get; set; } = 10;
}
