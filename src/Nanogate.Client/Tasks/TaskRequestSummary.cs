namespace Nanogate.Client;

/// <summary>The request a task runs, as the server settled it.</summary>
public sealed class TaskRequestSummary
{
    /// <summary>The prompt.</summary>
    public string? Prompt { get; set; }

    /// <summary>The effective aspect ratio.</summary>
    public string? AspectRatio { get; set; }

    /// <summary>The effective resolution tier.</summary>
    public string? Resolution { get; set; }

    /// <summary>How many images.</summary>
    public int? N { get; set; }
}
