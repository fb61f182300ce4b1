namespace Nanogate.Admin.Wire;

/// <summary>
/// The body of <c>POST /admin/v1/accounts/{id}/keys</c> and <c>PATCH /admin/v1/keys/{id}</c> (described for OpenAPI;
/// read field by field). Fields left out keep their value; null clears a control.
/// </summary>
/// <param name="Name">A label for the key.</param>
/// <param name="ImageDelivery">Default Gemini image delivery: "url", "inline" or null.</param>
/// <param name="ImagesApi">What POST /v1/images/generations answers: "tasks" (default) or "sync".</param>
/// <param name="CallbackFormat">The webhook body: "envelope" (default) or "task".</param>
/// <param name="ExpiresAt">When the key stops working (ISO 8601).</param>
/// <param name="RateLimit">Requests and images per minute.</param>
/// <param name="SpendCap">Credits per UTC day and month.</param>
internal sealed record AdminKeyWriteRequest(
    string? Name = null,
    string? ImageDelivery = null,
    string? ImagesApi = null,
    string? CallbackFormat = null,
    DateTimeOffset? ExpiresAt = null,
    KeyRateLimitBody? RateLimit = null,
    KeySpendCapBody? SpendCap = null);
