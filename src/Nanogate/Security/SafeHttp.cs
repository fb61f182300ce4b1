using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;
using Nanogate.Hosting;

namespace Nanogate.Security;

/// <summary>
/// HTTP to user-supplied URLs (image inputs, webhook targets) without server-side request forgery:
/// only http/https, ports 80/443, and a connect callback that resolves the host itself, refuses the
/// connection if any resolved address is not public, and connects to exactly the address it checked,
/// so a DNS answer that changes between check and use (rebinding) gains nothing. Redirects are never
/// followed automatically; image fetches follow up to three, each hop checked again. Bodies are read
/// against a byte cap whatever Content-Length says.
/// </summary>
internal sealed partial class SafeHttp : IDisposable
{
    /// <summary>Redirect hops an image fetch follows.</summary>
    public const int MaxRedirects = 3;

    private const string FetchUserAgent = "Nanogate/1";
    private readonly SafeHttpSettings _settings;
    private readonly HttpClient _client;
    private readonly ILogger<SafeHttp> _logger;

    /// <summary>Creates the shared instance from <c>Security:AllowPrivateNetworkTargets</c>.</summary>
    public SafeHttp(IOptions<SecurityOptions> options, ILogger<SafeHttp> logger)
        : this(new SafeHttpSettings { AllowPrivateNetworkTargets = options.Value.AllowPrivateNetworkTargets }, logger)
    {
    }

    /// <summary>Creates an instance with explicit settings (tests).</summary>
    internal SafeHttp(SafeHttpSettings settings, ILogger<SafeHttp> logger)
    {
        _settings = settings;
        _logger = logger;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            MaxResponseHeadersLength = 64,
            ConnectCallback = ConnectAsync,
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// GETs a user-supplied URL and returns its body (at most <paramref name="maxBytes"/>) and media type.
    /// Follows up to <see cref="MaxRedirects"/> redirects, checking each hop.
    /// </summary>
    /// <exception cref="SsrfBlockedException">The URL, or a redirect, targets a refused scheme, port or address.</exception>
    /// <exception cref="FetchFailedException">Unreachable, non-2xx, too many redirects, too large, or too slow.</exception>
    public async Task<(byte[] Bytes, string? ContentType)> GetBytesAsync(Uri url, int maxBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        using var total = CancellationTokenSource.CreateLinkedTokenSource(ct);
        total.CancelAfter(_settings.TotalTimeout);
        var current = url;
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.TryAddWithoutValidation("User-Agent", FetchUserAgent);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("image/*"));
                using var response = await SendAsync(request, total.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400)
                {
                    if (response.Headers.Location is not { } location)
                    {
                        throw new FetchFailedException($"The image URL answered HTTP {status} without a Location header.");
                    }

                    if (hop >= MaxRedirects)
                    {
                        throw new FetchFailedException($"The image URL redirected more than {MaxRedirects} times.");
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    LogRedirect(_logger, current.IdnHost, hop + 1);
                    continue;
                }

                if (status is < 200 or >= 300)
                {
                    throw new FetchFailedException($"The image URL answered HTTP {status}.");
                }

                // Content-Length only lets us refuse early; the cap below is what holds.
                if (response.Content.Headers.ContentLength > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                var bytes = await ReadCappedAsync(response.Content, maxBytes, total.Token).ConfigureAwait(false);
                return (bytes, response.Content.Headers.ContentType?.MediaType);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new FetchFailedException($"The image URL did not answer within {_settings.TotalTimeout.TotalSeconds:0.#} seconds.");
        }
        catch (IOException e)
        {
            throw new FetchFailedException("The connection to the image URL broke while reading the image.", e);
        }
    }

    /// <summary>
    /// Sends one request to a user-supplied URL without following redirects (the caller sees 3xx as
    /// it is). The response is returned as soon as its headers arrive.
    /// </summary>
    /// <exception cref="SsrfBlockedException">The URL targets a refused scheme, port or address.</exception>
    /// <exception cref="FetchFailedException">The host could not be resolved or reached.</exception>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri ?? throw new SsrfBlockedException("The URL is missing.");
        CheckTarget(uri);
        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            // Not the caller's token: the handler's connect timeout.
            throw new FetchFailedException($"Could not connect to '{uri.IdnHost}' within {_settings.ConnectTimeout.TotalSeconds:0.#} seconds.", e);
        }
        catch (HttpRequestException e)
        {
            if (Find<SsrfBlockedException>(e) is { } blocked)
            {
                LogBlocked(_logger, uri.IdnHost);
                ExceptionDispatchInfo.Throw(blocked);
            }

            if (Find<FetchFailedException>(e) is { } failed)
            {
                ExceptionDispatchInfo.Throw(failed);
            }

            throw new FetchFailedException(e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => $"The host '{uri.IdnHost}' could not be resolved.",
                HttpRequestError.ConnectionError => $"Could not connect to '{uri.IdnHost}'.",
                HttpRequestError.SecureConnectionError => $"The TLS handshake with '{uri.IdnHost}' failed.",
                _ => $"The request to '{uri.IdnHost}' failed before an answer arrived.",
            }, e);
        }
    }

    /// <summary>
    /// Refuses, before any connection, a URL that is not absolute http/https, uses a port other than
    /// 80/443, or names a refused IP address literally (odd spellings such as <c>0x7f.1</c> or
    /// <c>2130706433</c> are addresses once <see cref="Uri"/> has parsed them).
    /// </summary>
    /// <exception cref="SsrfBlockedException">The URL is refused.</exception>
    public void CheckTarget(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new SsrfBlockedException("The URL must be absolute (http:// or https://).");
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new SsrfBlockedException($"Only http and https URLs are allowed, not '{uri.Scheme}'.");
        }

        if (!_settings.AllowPrivateNetworkTargets && !_settings.IsAllowedPort(uri.Port))
        {
            throw new SsrfBlockedException($"Port {uri.Port} is not allowed; use the default ports 80 (http) or 443 (https).");
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
            && IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal))
        {
            Check(literal, host: null);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var port = context.DnsEndPoint.Port;
        IPAddress[] addresses;
        var isLiteral = IPAddress.TryParse(host, out var literal);
        if (isLiteral)
        {
            addresses = [literal!];
        }
        else
        {
            try
            {
                addresses = await _settings.Resolve(host, ct).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                throw new FetchFailedException($"The host '{host}' could not be resolved.", e);
            }
        }

        if (addresses.Length == 0)
        {
            throw new FetchFailedException($"The host '{host}' did not resolve to any address.");
        }

        // Every answer is checked, not just the one we would use: an attacker controls the order.
        foreach (var address in addresses)
        {
            Check(address, isLiteral ? null : host);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new FetchFailedException($"Could not connect to '{host}'.", last!);
    }

    private void Check(IPAddress address, string? host)
    {
        if (_settings.AllowPrivateNetworkTargets || _settings.ClassifyAddress(address) is not { } reason)
        {
            return;
        }

        // For a host name, say what kind of address it resolves to but not the address itself:
        // echoing internal DNS answers back to the caller would map the private network for them.
        throw new SsrfBlockedException(host is null
            ? $"The URL points to {address}, {reason}; only public internet addresses are allowed."
            : $"The host '{host}' resolves to {reason}; only public internet addresses are allowed.");
    }

    private static async Task<byte[]> ReadCappedAsync(HttpContent content, int maxBytes, CancellationToken ct)
    {
        var stream = await content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream(Math.Min(maxBytes, 64 * 1024));
            var chunk = new byte[Math.Min(maxBytes + 1L, 81_920)];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static FetchFailedException TooLarge(int maxBytes) =>
        new($"The image at the URL is larger than the limit of {maxBytes} bytes.");

    private static T? Find<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a connection to {Host}: not a public address")]
    private static partial void LogBlocked(ILogger logger, string host);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Following redirect {Hop} to {Host}")]
    private static partial void LogRedirect(ILogger logger, string host, int hop);
}
