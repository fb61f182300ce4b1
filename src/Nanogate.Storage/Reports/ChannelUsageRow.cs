namespace Nanogate.Storage.Reports;

/// <summary>Task images made by one upstream channel over a window.</summary>
/// <param name="Channel">The channel's name (<c>unknown</c> for images recorded before channels were).</param>
/// <param name="ImagesSucceeded">Task images it made.</param>
/// <param name="CreditsCharged">What those images were charged.</param>
public sealed record ChannelUsageRow(string Channel, long ImagesSucceeded, long CreditsCharged);
