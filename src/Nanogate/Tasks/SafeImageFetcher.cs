using Nanogate.Security;

namespace Nanogate.Tasks;

/// <summary>Fetches reference-image URLs through <see cref="SafeHttp"/>: public addresses only, redirects re-checked, bytes capped.</summary>
internal sealed class SafeImageFetcher(SafeHttp http) : IImageFetcher
{
    /// <inheritdoc />
    public async Task<FetchedImage> FetchAsync(Uri url, int maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            var (bytes, contentType) = await http.GetBytesAsync(url, maxBytes, cancellationToken).ConfigureAwait(false);
            return new FetchedImage(bytes, contentType);
        }
        catch (SsrfBlockedException e)
        {
            throw new ImageFetchException(e.Message);
        }
        catch (FetchFailedException e)
        {
            throw new ImageFetchException(e.Message);
        }
    }
}
