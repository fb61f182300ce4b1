namespace Nanogate.Upstreams.Routing;

/// <summary>
/// Downloads an image URL an upstream answered with (OpenAI <c>url</c> results, task-relay images). The web
/// project implements it with its SSRF-pinned client: an upstream's answer is not trusted to point anywhere.
/// </summary>
public interface IImageDownloader
{
    /// <summary>The bytes (at most <paramref name="maxBytes"/>) and the Content-Type; throws <see cref="HttpRequestException"/> when refused or failed.</summary>
    Task<(byte[] Data, string? ContentType)> DownloadAsync(Uri url, int maxBytes, CancellationToken cancellationToken);
}
