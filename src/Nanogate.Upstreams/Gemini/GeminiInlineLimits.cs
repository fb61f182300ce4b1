namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Google's limits on what a generateContent request carries inline, and the Files API's, in one place: the
/// channel decides from them what to upload, the simulator enforces them.
/// </summary>
public static class GeminiInlineLimits
{
    /// <summary>
    /// The largest request Google AI takes with inline data: 100 MB of base64 since 12 January 2026 ("we are
    /// increasing the maximum payload size for inline data from 20MB to 100MB (base64 encoded, with varying limits
    /// based on data types)", blog.google/innovation-and-ai/technology/developers-tools/gemini-api-new-file-limits;
    /// ai.google.dev/gemini-api/docs/file-input-methods). Counted here on the whole JSON body, in MiB as Google's
    /// own error message counts ("Request payload size exceeds the limit: 20971520 bytes" under the old limit).
    /// </summary>
    public const long RequestBytes = 100L * 1024 * 1024;

    /// <summary>
    /// Vertex AI's cap on one inline image of the Nano Banana models: "Maximum file size per file for inline data
    /// or direct uploads through the console: 7 MB" (cloud.google.com/vertex-ai/generative-ai/docs/multimodal/image-understanding).
    /// Vertex has no Files API (larger inputs are gs:// URIs), so a larger reference cannot be sent there.
    /// </summary>
    public const int VertexInlineImageBytes = 7 * 1024 * 1024;

    /// <summary>How long Google keeps an uploaded file: 48 hours, then it is deleted (ai.google.dev/gemini-api/docs/files).</summary>
    public static readonly TimeSpan FileLifetime = TimeSpan.FromHours(48);

    /// <summary>The largest file the Files API takes: 2 GB.</summary>
    public const long MaxFileBytes = 2L * 1024 * 1024 * 1024;
}
