namespace Nanogate.Storage.Tasks;

/// <summary>A row of <c>task_images</c>, with its media's expiry (times are unix milliseconds).</summary>
public sealed class TaskImageRow
{
    /// <summary>The task.</summary>
    public string TaskId { get; set; } = "";

    /// <summary>0-based position in the task.</summary>
    public long Idx { get; set; }

    /// <summary>queued, running, succeeded, failed, canceled.</summary>
    public string Status { get; set; } = "";

    /// <summary>Claims so far; the fencing token of the current one.</summary>
    public long Attempt { get; set; }

    /// <summary>While running: the lease's end.</summary>
    public long? LeaseUntil { get; set; }

    /// <summary>While queued: not before.</summary>
    public long NextAttemptAt { get; set; }

    /// <summary>med_… once succeeded.</summary>
    public string? MediaId { get; set; }

    /// <summary>The stored image's type.</summary>
    public string? MimeType { get; set; }

    /// <summary>Pixels.</summary>
    public long? Width { get; set; }

    /// <summary>Pixels.</summary>
    public long? Height { get; set; }

    /// <summary>Text the model sent with the image.</summary>
    public string? Text { get; set; }

    /// <summary>The upstream channel that made the image, once succeeded (null for images made before it was recorded).</summary>
    public string? Channel { get; set; }

    /// <summary>Prompt tokens.</summary>
    public long InputTokens { get; set; }

    /// <summary>Output tokens (text, thoughts and image).</summary>
    public long OutputTokens { get; set; }

    /// <summary>Image output tokens.</summary>
    public long ImageTokens { get; set; }

    /// <summary>Credits captured for this image (0 or the price).</summary>
    public long Charged { get; set; }

    /// <summary>Last error code (the final one once failed).</summary>
    public string? ErrorCode { get; set; }

    /// <summary>Last error message.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>The media's expiry, when there is media.</summary>
    public long? MediaExpiresAt { get; set; }
}
