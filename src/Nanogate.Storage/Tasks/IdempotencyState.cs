namespace Nanogate.Storage.Tasks;

/// <summary>What claiming an idempotency key found.</summary>
public enum IdempotencyState
{
    /// <summary>New key (or an expired or abandoned one): the caller goes ahead.</summary>
    Started,
    /// <summary>Done before with the same body: replay <see cref="IdempotencyOutcome.Response"/>.</summary>
    Replay,
    /// <summary>The same key with a different body (422).</summary>
    Mismatch,
    /// <summary>The first request with this key is still running (409).</summary>
    InFlight,
}
