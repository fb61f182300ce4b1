using System.Text.Json.Serialization;

namespace Nanogate.Webhooks;

/// <summary>The account's webhook signing secret (Standard Webhooks).</summary>
/// <param name="Object">Always <c>webhook_secret</c>.</param>
/// <param name="Secret">The secret, <c>whsec_</c> and base64 of 32 random bytes.</param>
internal sealed record WebhookSecretBody([property: JsonPropertyName("object")] string Object, string Secret);
