namespace Nanogate.Generation;

/// <summary>
/// The closed set of reasons one image was not made, from the upstream adapter (its <c>UpstreamFailureKind</c>,
/// mapped once in <see cref="ImageGenerator.FromUpstream"/>) or from the model's answer. Each dialect maps these in
/// one place: the task API to its error codes (<see cref="ImageFailureKinds.Code"/>), OpenAI's to its statuses.
/// </summary>
internal enum ImageFailureKind
{
    /// <summary>The upstream is down, refused our credentials, or no channel could take the call: retryable.</summary>
    UpstreamUnavailable,

    /// <summary>The upstream is rate limited: retryable after its delay.</summary>
    RateLimited,

    /// <summary>No answer within the time limit: retryable.</summary>
    Timeout,

    /// <summary>The prompt or the image was blocked by the model's safety filters.</summary>
    ContentBlocked,

    /// <summary>The model answered without an image.</summary>
    NoImage,

    /// <summary>The upstream refused the request itself (or does not know the model).</summary>
    InvalidRequest,

    /// <summary>An invalid upstream answer or an internal error while making the image: retryable.</summary>
    UpstreamError,

    /// <summary>The image was made but the media store is full (ENOSPC, EDQUOT, <c>Media:MaxBytes</c>): retryable, never charged.</summary>
    StorageFull,

    /// <summary>The image was made but the media store cannot be written (read-only, unreachable): retryable, never charged.</summary>
    StorageUnavailable,
}
