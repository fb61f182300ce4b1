namespace Nanogate.Storage.Reports;

/// <summary>What one upstream channel served over a window.</summary>
/// <param name="Channel">The channel's name (<c>unknown</c> for work recorded before channels were).</param>
/// <param name="TaskImagesSucceeded">Task images it made.</param>
/// <param name="Requests">Synchronous requests (Gemini, OpenAI dialects) it served.</param>
/// <param name="CreditsCharged">What those images and requests were charged.</param>
public sealed record ChannelUsageRow(string Channel, long TaskImagesSucceeded, long Requests, long CreditsCharged);
