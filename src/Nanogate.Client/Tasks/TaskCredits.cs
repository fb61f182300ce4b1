namespace Nanogate.Client;

/// <summary>A task's credits: held at submit, charged for images made, the rest refunded once the task ends.</summary>
public sealed class TaskCredits
{
    /// <summary>Held at submit (n × the price per image).</summary>
    public long Reserved { get; set; }

    /// <summary>Charged for the images made.</summary>
    public long? Charged { get; set; }

    /// <summary>Given back.</summary>
    public long? Refunded { get; set; }
}
