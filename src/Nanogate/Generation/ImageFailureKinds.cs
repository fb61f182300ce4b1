namespace Nanogate.Generation;

/// <summary>The stable wire names of <see cref="ImageFailureKind"/>.</summary>
internal static class ImageFailureKinds
{
    /// <summary>
    /// The code a kind has on the wire: a task's <c>error.code</c> (stored with the task) and the
    /// <c>x-nanogate-images-failed</c> header of the synchronous dialects. These strings are the API (API.md); they never change.
    /// </summary>
    public static string Code(this ImageFailureKind kind) => kind switch
    {
        ImageFailureKind.UpstreamUnavailable => "upstream_unavailable",
        ImageFailureKind.RateLimited => "rate_limited",
        ImageFailureKind.Timeout => "timeout",
        ImageFailureKind.ContentBlocked => "content_blocked",
        ImageFailureKind.NoImage => "no_image",
        ImageFailureKind.InvalidRequest => "invalid_request",
        ImageFailureKind.UpstreamError => "upstream_error",
        ImageFailureKind.StorageFull => "storage_full",
        ImageFailureKind.StorageUnavailable => "storage_unavailable",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An image failure kind without a wire code."),
    };
}
