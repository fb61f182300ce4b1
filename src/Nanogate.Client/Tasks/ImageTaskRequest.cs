namespace Nanogate.Client;

/// <summary>The body of <c>POST /v1/images/generations</c>: what to make. Unset (null) fields are not sent.</summary>
public sealed class ImageTaskRequest
{
    /// <summary>A catalog id or alias, such as <c>nano-banana-2-lite</c>.</summary>
    public required string Model { get; set; }

    /// <summary>What to draw (or, with <see cref="ImageUrls"/>, how to change the references).</summary>
    public required string Prompt { get; set; }

    /// <summary><c>auto</c>, a ratio (<c>16:9</c>) or pixels (<c>1920x1080</c>, mapped to the nearest ratio with a warning).</summary>
    public string? Size { get; set; }

    /// <summary>A ratio such as <c>16:9</c>; the same as a ratio in <see cref="Size"/>.</summary>
    public string? AspectRatio { get; set; }

    /// <summary><c>0.5K</c>/<c>512</c>, <c>1K</c>, <c>2K</c> or <c>4K</c>; a tier the model lacks is downgraded with a warning.</summary>
    public string? Resolution { get; set; }

    /// <summary>How many images, 1 to 4 (default 1).</summary>
    public int? N { get; set; }

    /// <summary>Reference images for edits: http(s) URLs or data URIs (see <see cref="ImageReference"/>).</summary>
    public IList<string>? ImageUrls { get; set; }

    /// <summary><c>minimal</c> or <c>high</c> on models that think.</summary>
    public string? ThinkingLevel { get; set; }

    /// <summary>Grounding with Google Search, on models with search.</summary>
    public bool? GoogleSearch { get; set; }

    /// <summary>Grounding with Google Image Search, on models with search.</summary>
    public bool? GoogleImageSearch { get; set; }

    /// <summary>A full URL notified (Standard Webhooks signed) when the task ends.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>A base URL notified at <c>{webhook}/callback</c> when the task ends.</summary>
    public string? Webhook { get; set; }

    /// <summary><c>task</c> to receive the bare task object instead of the <c>{type, timestamp, data}</c> envelope.</summary>
    public string? CallbackFormat { get; set; }
}
