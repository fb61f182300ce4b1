using System.Globalization;
using Nanogate.Generation;

namespace Nanogate.Media;

/// <summary>
/// The media store could not take an image's bytes. The message is for the caller (never a path, key or
/// secret); the cause is kept for the log. Every dialect answers it as 507 (<see cref="MediaStoreFailure.Full"/>)
/// or 503 (<see cref="MediaStoreFailure.Unavailable"/>) with a retryable code and <c>Retry-After</c>, and charges
/// nothing for an image it could not deliver.
/// </summary>
internal sealed class MediaStoreException : Exception
{
    /// <summary>How long a caller is asked to wait before retrying: long enough for an operator or the expiry sweep to free room.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>Creates the exception for an unavailable store.</summary>
    public MediaStoreException()
        : this(MediaStoreFailure.Unavailable, null)
    {
    }

    /// <summary>Creates the exception for an unavailable store with a message.</summary>
    public MediaStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception for an unavailable store with a message and its cause.</summary>
    public MediaStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="failure"/> with the standard message and its cause.</summary>
    public MediaStoreException(MediaStoreFailure failure, Exception? innerException)
        : base(MessageOf(failure), innerException)
    {
        Failure = failure;
    }

    /// <summary>Why the bytes were refused.</summary>
    public MediaStoreFailure Failure { get; } = MediaStoreFailure.Unavailable;

    /// <summary>507 for a full store, 503 for an unavailable one.</summary>
    public int HttpStatus => Failure == MediaStoreFailure.Full ? StatusCodes.Status507InsufficientStorage : StatusCodes.Status503ServiceUnavailable;

    /// <summary>The error code every dialect reports: <c>storage_full</c> or <c>storage_unavailable</c> (both retryable).</summary>
    public string Code => Kind.Code();

    /// <summary>The image failure this is, when it stops an image from being delivered.</summary>
    public Generation.ImageFailureKind Kind => Failure == MediaStoreFailure.Full ? Generation.ImageFailureKind.StorageFull : Generation.ImageFailureKind.StorageUnavailable;

    /// <summary>The <c>Retry-After</c> header value, in seconds.</summary>
    public static string RetryAfterHeader => ((int)RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The failure of one image that was made but could not be stored (retryable: the task rules retry it with
    /// their usual backoff, then fail and refund it).
    /// </summary>
    public ImageFailure ToImageFailure() => new(Kind, Message, Retryable: true);

    private static string MessageOf(MediaStoreFailure failure) => failure == MediaStoreFailure.Full
        ? "The media store is full: the image could not be stored, so nothing was charged for it. Retry later; the operator must free space (or raise Media:MaxBytes)."
        : "The media store cannot be written right now (read-only, inaccessible or unreachable): the image could not be stored, so nothing was charged for it. Retry later.";
}
