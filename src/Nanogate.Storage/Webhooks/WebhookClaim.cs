namespace Nanogate.Storage.Webhooks;

/// <summary>What one claim transaction did.</summary>
/// <param name="Expired">Due rows past their expiry that were failed instead of claimed.</param>
/// <param name="Claimed">The rows leased to the caller, earliest due first.</param>
/// <param name="NextDue">The earliest <c>next_attempt_at</c> of the pending rows after the claim (unix ms), or null when none is pending.</param>
public sealed record WebhookClaim(int Expired, IReadOnlyList<WebhookDelivery> Claimed, long? NextDue);
