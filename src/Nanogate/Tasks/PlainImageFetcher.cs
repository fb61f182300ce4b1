namespace Nanogate.Tasks;

/// <summary>
/// The fallback when no SSRF-safe fetcher is registered: refuses every URL, so a build without
/// the Security feature can never be made to fetch internal addresses.
/// </summary>
internal sealed class PlainImageFetcher : IImageFetcher
{
    /// <inheritdoc />
    public Task<FetchedImage> FetchAsync(Uri url, int maxBytes, CancellationToken cancellationToken) =>
        throw new ImageFetchException("image URLs are not enabled in this build; send the image inline as data:image/png;base64,… in image_urls.");
}
