namespace Nanogate.Webhooks;

/// <summary>The result of one delivery attempt, as it is recorded on the outbox row.</summary>
/// <param name="Status">The row's next status: delivered, gone, failed (permanent), or pending (retry).</param>
/// <param name="HttpStatus">The receiver's status code, when it answered.</param>
/// <param name="Error">What went wrong, for <c>last_error</c> (never the response body).</param>
/// <param name="RetryAfter">The receiver's Retry-After, when given.</param>
internal sealed record WebhookAttemptOutcome(string Status, int? HttpStatus, string? Error, TimeSpan? RetryAfter = null)
{
    public const string Delivered = "delivered";
    public const string Gone = "gone";
    public const string Failed = "failed";
    public const string Pending = "pending";
}
