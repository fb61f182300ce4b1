namespace Nanogate.Client;

/// <summary>A task's or an image's failure: a code such as <c>content_blocked</c> or <c>upstream_unavailable</c> and a message.</summary>
public sealed class TaskError
{
    /// <summary>The machine-readable code.</summary>
    public string? Code { get; set; }

    /// <summary>The server's explanation.</summary>
    public string? Message { get; set; }
}
