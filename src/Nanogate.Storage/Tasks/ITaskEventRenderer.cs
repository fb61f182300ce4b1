namespace Nanogate.Storage.Tasks;

/// <summary>
/// Renders the webhook payload of a task that just ended, inside the transaction that ends it
/// (the outbox row commits with the terminal state). Implemented by the task feature, which owns
/// the task object's JSON.
/// </summary>
public interface ITaskEventRenderer
{
    /// <summary>The exact body to deliver and when delivery should give up (unix ms; the media links' expiry).</summary>
    (string Payload, long ExpiresAt) Render(TaskSnapshot ended, long now);

    /// <summary>The W3C <c>traceparent</c> the deliveries of this task continue (the submission's), or null.</summary>
    string? TraceParent(TaskSnapshot ended) => null;
}
