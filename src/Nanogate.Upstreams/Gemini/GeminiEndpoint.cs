namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Where and how a <see cref="GeminiChannel"/> sends its calls: the URL shape and the credentials of one Gemini
/// speaker (Google AI with a key pool, Vertex AI with a service account or an express key, the simulator).
/// </summary>
internal abstract class GeminiEndpoint
{
    /// <summary>The URL of generateContent (or streamGenerateContent?alt=sse) for <paramref name="model"/>.</summary>
    public abstract Uri Address(string model, bool stream);

    /// <summary>The body to send; the passthrough's own by default (no copy).</summary>
    public virtual ReadOnlyMemory<byte> PrepareBody(ReadOnlyMemory<byte> body) => body;

    /// <summary>
    /// The root under which Google's Files API lives (<c>{root}/upload/v1beta/files</c>, <c>{root}/v1beta/files/{id}</c>),
    /// or null when this upstream has none (Vertex AI): then nothing is uploaded.
    /// </summary>
    public virtual Uri? FilesRoot => null;

    /// <summary>The largest request body sent with its images inline; past it the largest images go through the Files API.</summary>
    public virtual long InlineRequestBytes => GeminiInlineLimits.RequestBytes;

    /// <summary>The largest single inline image this upstream takes, when it caps them (Vertex AI: 7 MB); null when only the request size counts.</summary>
    public virtual int? MaxInlineImageBytes => null;

    /// <summary>Picks the key the next call will use (so uploads, the call and the deletes share one project); -1 when keys are not used.</summary>
    public virtual int TakeKey() => -1;

    /// <summary>Puts the credentials on <paramref name="message"/> with key <paramref name="key"/> when it is one (from <see cref="TakeKey"/>), else as <see cref="AuthorizeAsync(HttpRequestMessage, CancellationToken)"/> does.</summary>
    public virtual ValueTask<int> AuthorizeAsync(HttpRequestMessage message, int key, CancellationToken cancellationToken) => AuthorizeAsync(message, cancellationToken);

    /// <summary>Puts the credentials on <paramref name="message"/>; returns the key used (for cooldowns), or -1.</summary>
    /// <exception cref="Channels.UpstreamException">No credentials could be had (e.g. the token endpoint refused).</exception>
    public abstract ValueTask<int> AuthorizeAsync(HttpRequestMessage message, CancellationToken cancellationToken);

    /// <summary>A 429 on <paramref name="key"/>; returns true when another key (of another project) may be tried at once.</summary>
    public virtual bool OnRateLimited(int key, TimeSpan cooldown) => false;

    /// <summary>When every key rests: how long until the first one may be used again.</summary>
    public virtual TimeSpan? RestingFor() => null;

    /// <summary>Each resting project's end.</summary>
    public virtual IReadOnlyDictionary<string, DateTimeOffset> Resting() => new Dictionary<string, DateTimeOffset>();

    /// <summary>Removes every secret from a message that may be shown or logged.</summary>
    public abstract string Redact(string text);
}
