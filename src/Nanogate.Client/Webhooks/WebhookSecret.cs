namespace Nanogate.Client;

/// <summary>The answer of <c>GET /v1/webhook-secret</c>.</summary>
internal sealed class WebhookSecret
{
    public string Secret { get; set; } = "";
}
