namespace Nanogate.Auth;

/// <summary>The authenticated account behind a request.</summary>
/// <param name="ImageDelivery">The key's default Gemini image delivery ("url" or "inline"), or null.</param>
public sealed record Caller(string AccountId, string KeyId, string? ImageDelivery);
