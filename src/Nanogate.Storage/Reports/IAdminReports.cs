namespace Nanogate.Storage.Reports;

/// <summary>The operator's read-only views across every account: usage per account, model, channel and time (the task list is <see cref="Admin.IAdminStore.SearchTasksAsync"/>).</summary>
public interface IAdminReports
{
    /// <summary>
    /// Per account and model since <paramref name="since"/> (unix ms): requests and credits from the reservations
    /// (every dialect bills through one) and their daily roll-up (<see cref="Retention.IUsageRetention"/>; a rolled-up
    /// day counts when it starts at or after <paramref name="since"/>), images from the task queue; the most charged first.
    /// </summary>
    Task<IReadOnlyList<UsageRow>> UsageAsync(long since, CancellationToken cancellationToken);

    /// <summary>Usage bucketed by time and grouped by <see cref="UsageQuery.Groups"/>, oldest bucket first.</summary>
    Task<IReadOnlyList<UsageBucketRow>> UsageBucketsAsync(UsageQuery query, CancellationToken cancellationToken);

    /// <summary>Per upstream channel, the task images made since <paramref name="since"/> (unix ms) and their charges; the most first.</summary>
    Task<IReadOnlyList<ChannelUsageRow>> ChannelUsageAsync(long since, CancellationToken cancellationToken);
}
