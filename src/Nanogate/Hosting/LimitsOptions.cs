using System.ComponentModel.DataAnnotations;

namespace Nanogate.Hosting;

/// <summary>The <c>Limits</c> configuration section.</summary>
internal sealed class LimitsOptions
{
    /// <summary>The default: the seeds' largest request, 14 references of 10 MB as data URIs, with room to spare.</summary>
    /// <remarks>
    /// 14 × (10 MiB in base64 = 13,981,016 bytes + the <c>data:image/jpeg;base64,</c> prefix) ≈ 195.7 MB = 186.7 MiB;
    /// 200 MiB leaves 13 MiB for the prompt and the rest. Such a body is held in memory once (see TaskBodyReader);
    /// what passes Google's own inline budget (100 MB) is uploaded through the Files API by the channel.
    /// </remarks>
    public const int DefaultMaxRequestBodyMB = 200;

    /// <summary>
    /// Largest request body in MiB (<c>Limits:MaxRequestBodyMB</c>): by default large enough for 14 data URIs of
    /// 10 MB, the most the seeds document.
    /// </summary>
    [Range(1, 1024, ErrorMessage = "Limits:MaxRequestBodyMB must be between 1 and 1024.")]
    public int MaxRequestBodyMB { get; set; } = DefaultMaxRequestBodyMB;

    /// <summary>
    /// Synchronous generation requests served at once by this process (<c>Limits:MaxSyncGenerations</c>): Gemini
    /// generateContent and streamGenerateContent, OpenAI images/generations and images/edits, <c>/sync/v1</c> and the
    /// task route of keys set to <c>images_api: sync</c>. Past it (and past the wait queue) a request is answered 429
    /// with <c>Retry-After</c> before its body is read or anything is held.
    /// </summary>
    /// <remarks>
    /// 64 on the reference machine (2 cores): the Gemini passthrough's design concurrency (DESIGN.md, c=64 at nginx's
    /// throughput), and what memory allows for the heaviest common request: 48 concurrent four-image b64 answers peaked
    /// at 707 MB (docs/reliability.md, Figures), so 64 stay near 0.9 GB, under the load profile's 1 GiB bound. Unbounded,
    /// an overloaded 2-core process held every late request with its images: 2.7 GB and 258 client timeouts.
    /// </remarks>
    [Range(1, 100_000, ErrorMessage = "Limits:MaxSyncGenerations must be between 1 and 100000.")]
    public int MaxSyncGenerations { get; set; } = 64;

    /// <summary>
    /// Synchronous generation requests one account may have at once on this process
    /// (<c>Limits:MaxSyncGenerationsPerAccount</c>); past it, 429 at once (an account's requests never wait in the
    /// queue beyond it). The default, three quarters of <see cref="MaxSyncGenerations"/>, leaves 16 slots that one
    /// account cannot take; a single-tenant deployment sets it equal to <see cref="MaxSyncGenerations"/>. A value at or
    /// above <see cref="MaxSyncGenerations"/> means no per-account bound.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "Limits:MaxSyncGenerationsPerAccount must be between 1 and 100000.")]
    public int MaxSyncGenerationsPerAccount { get; set; } = 48;

    /// <summary>
    /// Synchronous requests that may wait for a slot when all are busy (<c>Limits:SyncQueueLength</c>; 0 = none).
    /// A waiting request has not read its body (Kestrel holds at most its 1 MB request buffer per connection) and holds
    /// no credits, so a short queue turns a burst just past the bound into a short wait instead of a refusal.
    /// </summary>
    [Range(0, 100_000, ErrorMessage = "Limits:SyncQueueLength must be between 0 and 100000.")]
    public int SyncQueueLength { get; set; } = 32;

    /// <summary>
    /// How long a queued synchronous request waits for a slot before it is refused, in seconds (<c>Limits:SyncQueueSeconds</c>).
    /// The default equals <see cref="SyncRetryAfterSeconds"/>: a queued caller waits at most about as long as a refused
    /// one is told to wait, and a queue that does not move in that time is overload, not a burst.
    /// </summary>
    [Range(1, 600, ErrorMessage = "Limits:SyncQueueSeconds must be between 1 and 600.")]
    public int SyncQueueSeconds { get; set; } = 5;

    /// <summary>The <c>Retry-After</c> of a synchronous request refused by these bounds, in seconds (<c>Limits:SyncRetryAfterSeconds</c>).</summary>
    [Range(1, 3600, ErrorMessage = "Limits:SyncRetryAfterSeconds must be between 1 and 3600.")]
    public int SyncRetryAfterSeconds { get; set; } = 5;
}
