using Nanogate.Core.Requests;

namespace Nanogate.Tasks;

/// <summary>A task submission normalised: the canonical request plus where to notify when it ends.</summary>
/// <param name="Request">The canonical request (warnings included).</param>
/// <param name="CallbackUrl">callback_url, notified as given.</param>
/// <param name="WebhookUrl">webhook + "/callback".</param>
/// <param name="CallbackFormat">callback_format: "task" (bare task object), "envelope", or null (the key's setting).</param>
internal sealed record ParsedTaskRequest(ImageRequest Request, string? CallbackUrl, string? WebhookUrl, string? CallbackFormat = null);
