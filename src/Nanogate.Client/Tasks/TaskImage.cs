namespace Nanogate.Client;

/// <summary>One image of a task.</summary>
public sealed class TaskImage
{
    /// <summary>Its position, from 0.</summary>
    public int Index { get; set; }

    /// <summary>Its own status (see <see cref="NanogateTaskStatus"/>).</summary>
    public string Status { get; set; } = "";

    /// <summary>A signed link to the bytes (no key needed), valid until <see cref="ExpiresAt"/>.</summary>
    public Uri? Url { get; set; }

    /// <summary>When the link and the bytes expire.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>The image's media type, such as <c>image/png</c>.</summary>
    public string? MimeType { get; set; }

    /// <summary>Its width in pixels.</summary>
    public int? Width { get; set; }

    /// <summary>Its height in pixels.</summary>
    public int? Height { get; set; }

    /// <summary>The upstream channel that made it.</summary>
    public string? Channel { get; set; }

    /// <summary>Why it failed, when it did.</summary>
    public TaskError? Error { get; set; }
}
