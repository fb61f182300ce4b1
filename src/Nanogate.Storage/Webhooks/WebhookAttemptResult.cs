namespace Nanogate.Storage.Webhooks;

/// <summary>What to record on an outbox row after an attempt.</summary>
/// <param name="Id">The row.</param>
/// <param name="PreviousAttempts">The attempt count the claim saw (the fence: a newer claim changed it).</param>
/// <param name="Status">The row's next status: delivered, gone, failed or pending.</param>
/// <param name="Attempts">The attempt count after this attempt.</param>
/// <param name="NextAttemptAt">Unix ms of the next attempt (when pending).</param>
/// <param name="HttpStatus">The receiver's status code, when it answered.</param>
/// <param name="Error">What went wrong, for <c>last_error</c>.</param>
/// <param name="DeliveredAt">Unix ms, when delivered.</param>
public sealed record WebhookAttemptResult(string Id, long PreviousAttempts, string Status, long Attempts, long NextAttemptAt, int? HttpStatus, string? Error, long? DeliveredAt);
