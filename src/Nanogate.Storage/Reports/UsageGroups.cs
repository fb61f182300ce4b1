namespace Nanogate.Storage.Reports;

/// <summary>The dimensions usage is grouped by within each bucket (any combination; none = one row per bucket).</summary>
[Flags]
public enum UsageGroups
{
    /// <summary>Totals per bucket only.</summary>
    None = 0,

    /// <summary>Per account.</summary>
    Account = 1,

    /// <summary>Per API key (null for work recorded before keys were).</summary>
    Key = 2,

    /// <summary>Per catalog model.</summary>
    Model = 4,

    /// <summary>Per upstream channel (null when no channel served it: nothing was made).</summary>
    Channel = 8,
}
