namespace Nanogate.Storage.Tasks;

/// <summary>Images of unfinished (pending or running) tasks: of one account, and of every account.</summary>
/// <param name="Account">The account's.</param>
/// <param name="Total">Everyone's, the account's included.</param>
public sealed record QueueDepth(long Account, long Total);
