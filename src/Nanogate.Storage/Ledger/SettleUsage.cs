namespace Nanogate.Storage.Ledger;

/// <summary>What a settled request delivered, for usage: recorded on its reservation with the settlement.</summary>
/// <param name="Images">Images delivered (and charged).</param>
/// <param name="Refunded">
/// Credits given back for work that was paid for and failed: an accepted task's images that failed, at the task's
/// price (the task store records them itself); clamped to what the settlement released. A synchronous request (Gemini,
/// OpenAI) pays only for what it delivered, so its released hold is never a refund and it records 0; nor is any hold
/// released for another reason (the caller left, an estimate above the cost, a canceled image).
/// </param>
public sealed record SettleUsage(int Images, long Refunded)
{
    /// <summary>Nothing delivered, nothing refunded.</summary>
    public static SettleUsage None { get; } = new(0, 0);
}
