namespace Nanogate.Tasks;

/// <summary>
/// Downloads a user-supplied reference image URL. The production implementation must be SSRF-safe
/// (see Security); it streams at most <c>maxBytes</c> and throws <see cref="ImageFetchException"/>
/// with a message fit for the caller on any refusal or failure.
/// </summary>
internal interface IImageFetcher
{
    /// <summary>Fetches <paramref name="url"/> (http or https), reading at most <paramref name="maxBytes"/> bytes.</summary>
    /// <exception cref="ImageFetchException">The URL was refused or could not be fetched; the message says why.</exception>
    Task<FetchedImage> FetchAsync(Uri url, int maxBytes, CancellationToken cancellationToken);
}
