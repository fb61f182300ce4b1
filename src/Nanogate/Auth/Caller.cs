namespace Nanogate.Auth;

/// <summary>The authenticated account behind a request.</summary>
/// <param name="AccountId">The account the key belongs to.</param>
/// <param name="KeyId">The key's id.</param>
/// <param name="ImageDelivery">The key's default Gemini image delivery ("url" or "inline"), or null.</param>
/// <param name="ImagesApi">"sync" when the key's <c>POST /v1/images/generations</c> answers synchronously (seed 004), else null (tasks).</param>
/// <param name="CallbackFormat">"task" when the key's webhooks carry the bare task object, else null (the Standard Webhooks envelope).</param>
internal sealed record Caller(string AccountId, string KeyId, string? ImageDelivery, string? ImagesApi = null, string? CallbackFormat = null)
{
    /// <summary>The key's limits (rate limits and spending caps are applied by <see cref="Billing.CreditHolds"/>).</summary>
    public Storage.Accounts.KeyControls Controls { get; init; } = Storage.Accounts.KeyControls.None;

    /// <summary>
    /// Binds a handler's <see cref="Caller"/> parameter from the request's authenticated identity (set by
    /// <see cref="ApiKeyAuthenticationHandler"/> under the route's policy); null without a user key.
    /// </summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) =>
        ValueTask.FromResult((context.User.Identity as CallerIdentity)?.Caller);
}
