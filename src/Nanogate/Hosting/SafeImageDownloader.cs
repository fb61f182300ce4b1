using Nanogate.Security;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Hosting;

/// <summary>Downloads the image links upstreams answer with through <see cref="SafeHttp"/>: the SSRF rules pinned at connect, redirects re-checked, bytes capped.</summary>
internal sealed class SafeImageDownloader(SafeHttp http) : IImageDownloader
{
    public async Task<(byte[] Data, string? ContentType)> DownloadAsync(Uri url, int maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetBytesAsync(url, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SsrfBlockedException or FetchFailedException)
        {
            throw new HttpRequestException(e.Message, e);
        }
    }
}
