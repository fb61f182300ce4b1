namespace Nanogate.Storage.Transfer;

/// <summary>One account's money as a database holds it: the balance projection and the ledger sums per kind.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Available">Its <c>credits_available</c>.</param>
/// <param name="ToppedUp">Sum of its <c>topup</c> ledger entries.</param>
/// <param name="Reserved">Sum of its <c>reserve</c> ledger entries.</param>
/// <param name="Captured">Sum of its <c>capture</c> ledger entries.</param>
/// <param name="Released">Sum of its <c>release</c> ledger entries.</param>
public sealed record AccountTally(string AccountId, long Available, long ToppedUp, long Reserved, long Captured, long Released);
