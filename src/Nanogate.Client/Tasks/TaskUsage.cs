namespace Nanogate.Client;

/// <summary>Token usage of a task's images.</summary>
public sealed class TaskUsage
{
    /// <summary>Input tokens.</summary>
    public long InputTokens { get; set; }

    /// <summary>Output tokens (text and image).</summary>
    public long OutputTokens { get; set; }

    /// <summary>Output tokens that were image.</summary>
    public long ImageTokens { get; set; }
}
