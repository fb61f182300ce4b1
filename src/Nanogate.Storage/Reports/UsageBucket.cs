namespace Nanogate.Storage.Reports;

/// <summary>The width of a usage bucket (UTC).</summary>
public enum UsageBucket
{
    /// <summary>One hour.</summary>
    Hour,

    /// <summary>One UTC day.</summary>
    Day,
}
