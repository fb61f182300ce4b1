namespace Nanogate.Storage.Ledger;

/// <summary>What a settled request delivered, for usage: recorded on its reservation with the settlement.</summary>
/// <param name="Images">Images delivered (and charged).</param>
/// <param name="Refunded">
/// Credits given back because work was attempted and failed (an upstream failure, an image that failed); clamped to
/// what the settlement released. A hold released for any other reason (the caller left, an estimate above the cost)
/// is not a refund.
/// </param>
public sealed record SettleUsage(int Images, long Refunded)
{
    /// <summary>Nothing delivered, nothing refunded.</summary>
    public static SettleUsage None { get; } = new(0, 0);
}
