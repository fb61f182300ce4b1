namespace Nanogate.Storage.Tasks;

/// <summary>A stored answer to replay for an idempotency key.</summary>
/// <param name="Key">The client's key.</param>
/// <param name="Status">HTTP status.</param>
/// <param name="Body">JSON body.</param>
/// <param name="Location">Location header, if any.</param>
/// <param name="Held">The request is still holding (Prefer: wait): keep the key in flight; the final answer follows.</param>
public sealed record IdempotentResponse(string Key, int Status, string Body, string? Location, bool Held = false);
