namespace Nanogate.OpenAi.Wire;

/// <summary>
/// The body of <c>POST /openai/v1/images/generations</c> and <c>/sync/v1/images/generations</c>: OpenAI's fields and the
/// seeds' synchronous ones. Read as a JSON tree by <see cref="ImageGenerationsHandler"/>; described here for /openapi/v1.json.
/// </summary>
/// <param name="Prompt">Required.</param>
/// <param name="Model">A catalog id or alias (default: the first catalog model).</param>
/// <param name="N">1..4, default 1.</param>
/// <param name="Size">1024x1024, 1536x1024, 1024x1536, auto, or any WxH or W:H.</param>
/// <param name="ResponseFormat">b64_json (default on /openai/v1) or url (default on /sync/v1).</param>
/// <param name="Quality">low, medium, high, auto (also standard, hd): resolution tiers.</param>
/// <param name="AspectRatio">Seed 004: W:H.</param>
/// <param name="Resolution">Seed 004: 0.5K, 1K, 2K or 4K.</param>
/// <param name="ImageUrls">Seed 004: reference images as URLs, data URIs or raw base64.</param>
/// <param name="EnableWebSearch">Seed 004: Google Search grounding.</param>
internal sealed record OpenAiImageGenerationRequest(
    string Prompt,
    string? Model = null,
    int? N = null,
    string? Size = null,
    string? ResponseFormat = null,
    string? Quality = null,
    string? AspectRatio = null,
    string? Resolution = null,
    IReadOnlyList<string>? ImageUrls = null,
    bool? EnableWebSearch = null);
