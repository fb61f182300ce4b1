namespace Nanogate.Client;

/// <summary>Per-request options of a submit.</summary>
public sealed class SubmitOptions
{
    /// <summary>An <c>Idempotency-Key</c>: the same key and body within 24 hours answers the first task again.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>Seconds the server may hold the request until the task ends (<c>Prefer: wait=N</c>, 1 to 60); null answers at once.</summary>
    public int? PreferWaitSeconds { get; set; }
}
