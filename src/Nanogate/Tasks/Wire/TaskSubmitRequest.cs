namespace Nanogate.Tasks.Wire;

/// <summary>
/// The body of <c>POST /v1/images/generations</c> (API.md, Dialect 1). Read by <see cref="TaskBodyReader"/> and
/// <see cref="TaskRequestParser"/> (which hold up to 14 references of 10 MB once); this record describes it for /openapi/v1.json.
/// </summary>
/// <param name="Model">Required: a catalog id or alias (nano-banana-2-lite, gemini-3.1-flash-lite-image, google/nano-banana-2, …).</param>
/// <param name="Prompt">Required, non-empty.</param>
/// <param name="Size">auto (default), a ratio W:H, or pixels WxH (mapped to the nearest supported ratio, reported in warnings).</param>
/// <param name="AspectRatio">Same as a ratio in size; both given and different → 400.</param>
/// <param name="Resolution">0.5K/512, 1K, 2K or 4K; a tier the model lacks is downgraded with a warning.</param>
/// <param name="N">1..4, default 1.</param>
/// <param name="ImageUrls">Reference images: http(s) URLs or data:image/{jpeg,png,webp};base64,… (each ≤ 10 MB).</param>
/// <param name="ThinkingLevel">minimal or high, where the model supports thinking.</param>
/// <param name="GoogleSearch">Ground in Google Search (models with search; ignored with a warning on others).</param>
/// <param name="GoogleImageSearch">Ground in Google Image Search (same rule).</param>
/// <param name="EnableWebSearch">Seed 004's name for google_search.</param>
/// <param name="CallbackUrl">A URL notified (signed, Standard Webhooks) when the task ends.</param>
/// <param name="Webhook">A base URL notified at {webhook}/callback.</param>
/// <param name="CallbackFormat">envelope (default) or task: the bare task object as the webhook body.</param>
internal sealed record TaskSubmitRequest(
    string Model,
    string Prompt,
    string? Size = null,
    string? AspectRatio = null,
    string? Resolution = null,
    int? N = null,
    IReadOnlyList<string>? ImageUrls = null,
    string? ThinkingLevel = null,
    bool? GoogleSearch = null,
    bool? GoogleImageSearch = null,
    bool? EnableWebSearch = null,
    string? CallbackUrl = null,
    string? Webhook = null,
    string? CallbackFormat = null);
