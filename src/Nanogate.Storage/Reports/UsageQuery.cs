namespace Nanogate.Storage.Reports;

/// <summary>A usage report: requests made in [<paramref name="From"/>, <paramref name="To"/>) (unix ms), bucketed and grouped.</summary>
/// <param name="From">Start, inclusive.</param>
/// <param name="To">End, exclusive.</param>
/// <param name="Bucket">Bucket width.</param>
/// <param name="Groups">Dimensions.</param>
public sealed record UsageQuery(long From, long To, UsageBucket Bucket, UsageGroups Groups);
