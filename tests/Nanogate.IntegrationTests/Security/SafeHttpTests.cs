using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Nanogate.Security;

namespace Nanogate.IntegrationTests.Security;

public sealed class SafeHttpTests
{
    private const string Refused = "only public internet addresses are allowed";
    private static readonly byte[] Image = [.. Encoding.ASCII.GetBytes("\x89PNG\r\n\x1a\n"), .. Enumerable.Range(0, 500).Select(i => (byte)i)];
    private static readonly IPAddress PretendPublic = IPAddress.Parse("127.0.0.2");

    private static SafeHttp Create(
        bool allowPrivate,
        Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null,
        Func<int, bool>? isAllowedPort = null,
        bool pretendPublic = false,
        TimeSpan? totalTimeout = null)
    {
        var settings = new SafeHttpSettings { AllowPrivateNetworkTargets = allowPrivate };
        if (resolve is not null)
        {
            settings = settings with { Resolve = resolve };
        }

        if (isAllowedPort is not null)
        {
            settings = settings with { IsAllowedPort = isAllowedPort };
        }

        if (pretendPublic)
        {
            // 127.0.0.2 stands in for the public internet: everything else keeps the real rules.
            settings = settings with { ClassifyAddress = a => a.Equals(PretendPublic) ? null : NetworkPolicy.Classify(a) };
        }

        if (totalTimeout is { } total)
        {
            settings = settings with { TotalTimeout = total };
        }

        return new SafeHttp(settings, NullLogger<SafeHttp>.Instance);
    }

    private static Func<string, CancellationToken, Task<IPAddress[]>> Resolver(params (string Host, string Address)[] names) =>
        (host, _) => names.FirstOrDefault(n => n.Host == host) is { Host: not null } n
            ? Task.FromResult(new[] { IPAddress.Parse(n.Address) })
            : throw new SocketException((int)SocketError.HostNotFound);

    private static Task<LoopbackSite> ImageSiteAsync(string ip = "127.0.0.1") => LoopbackSite.StartAsync(app =>
    {
        app.MapGet("/image", () => Results.Bytes(Image, "image/png"));
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapGet("/hops/{n:int}", (int n) => n == 0 ? Results.Bytes(Image, "image/png") : Results.Redirect($"/hops/{n - 1}"));
        app.MapGet("/go", (string to) => Results.Redirect(to));
        app.MapGet("/chunked/{size:int}", async (HttpContext context, int size) =>
        {
            context.Response.ContentType = "image/png";
            var chunk = new byte[1024];
            for (var sent = 0; sent < size; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk);
                await context.Response.Body.FlushAsync();
            }
        });
        app.MapGet("/slow", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            return Results.Bytes(Image, "image/png");
        });
    }, ip);

    [Theory]
    [InlineData("http://127.0.0.1/image")]
    [InlineData("https://127.0.0.1/image")]
    [InlineData("http://127.8.9.10/")]
    [InlineData("http://localhost/image")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://172.16.5.4/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://[::1]/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://[::ffff:a9fe:a9fe]/")]
    [InlineData("http://[64:ff9b::7f00:1]/")]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://017700000001/")]
    [InlineData("http://0177.0.0.1/")]
    public async Task Internal_targets_are_refused_with_a_clear_message(string url)
    {
        using var http = Create(allowPrivate: false);
        var e = await Assert.ThrowsAsync<SsrfBlockedException>(() => http.GetBytesAsync(new Uri(url), 1_000_000, CancellationToken.None));
        Assert.Contains(Refused, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cloud_metadata_address_is_named_as_link_local()
    {
        using var http = Create(allowPrivate: false);
        var e = await Assert.ThrowsAsync<SsrfBlockedException>(() => http.GetBytesAsync(new Uri("http://169.254.169.254/latest/meta-data/"), 1000, CancellationToken.None));
        Assert.Equal("The URL points to 169.254.169.254, a link-local address (169.254.0.0/16, which holds cloud metadata endpoints); only public internet addresses are allowed.", e.Message);
    }

    [Fact]
    public async Task Odd_encodings_are_refused_even_when_something_listens_there()
    {
        await using var site = await ImageSiteAsync();
        using var http = Create(allowPrivate: false, isAllowedPort: p => p == site.Port);
        foreach (var host in new[] { "0x7f.1", "2130706433", "017700000001", "127.1", "[::ffff:127.0.0.1]" })
        {
            await Assert.ThrowsAsync<SsrfBlockedException>(() => http.GetBytesAsync(new Uri($"http://{host}:{site.Port}/image"), 1000, CancellationToken.None));
        }

        Assert.Empty(site.Requests);
    }

    [Theory]
    [InlineData("ftp://example.com/cat.png", "Only http and https")]
    [InlineData("file:///etc/passwd", "Only http and https")]
    [InlineData("gopher://example.com/", "Only http and https")]
    [InlineData("http://example.com:8080/cat.png", "Port 8080 is not allowed")]
    [InlineData("https://example.com:22/", "Port 22 is not allowed")]
    public async Task Other_schemes_and_ports_are_refused(string url, string message)
    {
        using var http = Create(allowPrivate: false);
        var e = await Assert.ThrowsAsync<SsrfBlockedException>(() => http.GetBytesAsync(new Uri(url), 1000, CancellationToken.None));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_looking_name_resolving_to_loopback_is_refused_without_contact_or_leaking_the_address()
    {
        await using var site = await ImageSiteAsync();
        using var http = Create(allowPrivate: false, Resolver(("images.example.com", "127.0.0.1")), isAllowedPort: p => p == site.Port);
        var e = await Assert.ThrowsAsync<SsrfBlockedException>(() => http.GetBytesAsync(new Uri($"http://images.example.com:{site.Port}/image"), 1000, CancellationToken.None));
        Assert.Equal("The host 'images.example.com' resolves to a loopback address; only public internet addresses are allowed.", e.Message);
        Assert.Empty(site.Requests);
    }

    [Fact]
    public async Task A_name_with_any_private_answer_is_refused()
    {
        await using var site = await ImageSiteAsync();
        using var http = Create(
            allowPrivate: false,
            (_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34"), IPAddress.Loopback }),
            isAllowedPort: p => p == site.Port);
        await Assert.ThrowsAsync<SsrfBlockedException>(() => http.GetBytesAsync(new Uri($"http://mixed.example.com:{site.Port}/image"), 1000, CancellationToken.None));
        Assert.Empty(site.Requests);
    }

    [Fact]
    public async Task With_private_targets_allowed_the_same_name_is_fetched_from_the_address_checked()
    {
        await using var site = await ImageSiteAsync();
        using var http = Create(allowPrivate: true, Resolver(("images.example.com", "127.0.0.1")));
        var (bytes, contentType) = await http.GetBytesAsync(new Uri($"http://images.example.com:{site.Port}/image"), 1000, CancellationToken.None);
        Assert.Equal(Image, bytes);
        Assert.Equal("image/png", contentType);
        var seen = Assert.Single(site.Requests);
        Assert.Equal($"images.example.com:{site.Port}", seen.Host);
    }

    [Fact]
    public async Task A_pretend_public_host_is_fetched_and_its_redirects_are_followed()
    {
        await using var cdn = await ImageSiteAsync("127.0.0.2");
        using var http = Create(allowPrivate: false, Resolver(("cdn.example.com", "127.0.0.2")), isAllowedPort: p => p == cdn.Port, pretendPublic: true);
        var (bytes, _) = await http.GetBytesAsync(new Uri($"http://cdn.example.com:{cdn.Port}/hops/3"), 1000, CancellationToken.None);
        Assert.Equal(Image, bytes);
        Assert.Equal(4, cdn.Requests.Count);
    }

    [Fact]
    public async Task The_connection_goes_to_the_one_answer_that_was_checked()
    {
        // A rebinding resolver: public on the first lookup, loopback on any later one.
        await using var cdn = await ImageSiteAsync("127.0.0.2");
        await using var inside = await ImageSiteAsync("127.0.0.1");
        var lookups = 0;
        using var http = Create(
            allowPrivate: false,
            (_, _) => Task.FromResult(new[] { Interlocked.Increment(ref lookups) == 1 ? PretendPublic : IPAddress.Loopback }),
            isAllowedPort: p => p == cdn.Port || p == inside.Port,
            pretendPublic: true);

        var (bytes, _) = await http.GetBytesAsync(new Uri($"http://rebind.example.com:{cdn.Port}/image"), 1000, CancellationToken.None);

        Assert.Equal(Image, bytes);
        Assert.Equal(1, lookups);
        Assert.Single(cdn.Requests);
        Assert.Empty(inside.Requests);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{port}/image")]
    [InlineData("http://internal.example.com:{port}/image")]
    [InlineData("http://[::ffff:127.0.0.1]:{port}/image")]
    [InlineData("http://2130706433:{port}/image")]
    public async Task A_redirect_from_an_allowed_host_into_loopback_is_refused(string location)
    {
        await using var cdn = await ImageSiteAsync("127.0.0.2");
        await using var inside = await ImageSiteAsync("127.0.0.1");
        using var http = Create(
            allowPrivate: false,
            Resolver(("cdn.example.com", "127.0.0.2"), ("internal.example.com", "127.0.0.1")),
            isAllowedPort: p => p == cdn.Port || p == inside.Port,
            pretendPublic: true);
        var target = Uri.EscapeDataString(location.Replace("{port}", inside.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        await Assert.ThrowsAsync<SsrfBlockedException>(() => http.GetBytesAsync(new Uri($"http://cdn.example.com:{cdn.Port}/go?to={target}"), 1000, CancellationToken.None));
        Assert.Single(cdn.Requests);
        Assert.Empty(inside.Requests);
    }

    [Fact]
    public async Task More_than_three_redirects_are_refused()
    {
        await using var site = await ImageSiteAsync();
        using var http = Create(allowPrivate: true);
        var e = await Assert.ThrowsAsync<FetchFailedException>(() => http.GetBytesAsync(site.Url("/hops/4"), 1000, CancellationToken.None));
        Assert.Equal("The image URL redirected more than 3 times.", e.Message);
        Assert.Equal(4, site.Requests.Count);
    }

    [Fact]
    public async Task A_body_within_the_cap_is_returned_byte_for_byte()
    {
        await using var site = await ImageSiteAsync();
        using var http = Create(allowPrivate: true);
        var (bytes, contentType) = await http.GetBytesAsync(site.Url("/image"), Image.Length, CancellationToken.None);
        Assert.Equal(Image, bytes);
        Assert.Equal("image/png", contentType);
    }

    [Fact]
    public async Task A_declared_length_over_the_cap_is_refused()
    {
        await using var site = await ImageSiteAsync();
        using var http = Create(allowPrivate: true);
        var e = await Assert.ThrowsAsync<FetchFailedException>(() => http.GetBytesAsync(site.Url("/image"), Image.Length - 1, CancellationToken.None));
        Assert.Contains("larger than the limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chunked_body_without_length_is_cut_at_the_cap()
    {
        await using var site = await ImageSiteAsync();
        using var http = Create(allowPrivate: true);
        var e = await Assert.ThrowsAsync<FetchFailedException>(() => http.GetBytesAsync(site.Url("/chunked/10000000"), 100_000, CancellationToken.None));
        Assert.Contains("larger than the limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lying_Content_Length_does_not_get_past_the_cap()
    {
        // Content-Length says 10 bytes while chunked framing (which wins) carries a megabyte.
        await using var server = new RawHttpServer(async (stream, ct) =>
        {
            await RawHttpServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: 10\r\nTransfer-Encoding: chunked\r\n\r\n", ct);
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 16; i++)
            {
                await RawHttpServer.WriteAsync(stream, $"{chunk.Length:x}\r\n", ct);
                await stream.WriteAsync(chunk, ct);
                await RawHttpServer.WriteAsync(stream, "\r\n", ct);
            }

            await RawHttpServer.WriteAsync(stream, "0\r\n\r\n", ct);
        });
        using var http = Create(allowPrivate: true);
        var e = await Assert.ThrowsAsync<FetchFailedException>(() => http.GetBytesAsync(new Uri($"http://127.0.0.1:{server.Port}/lie"), 100_000, CancellationToken.None));
        Assert.Contains("larger than the limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_delimited_by_connection_close_is_cut_at_the_cap()
    {
        await using var server = new RawHttpServer(async (stream, ct) =>
        {
            await RawHttpServer.WriteAsync(stream, "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n", ct);
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 16; i++)
            {
                await stream.WriteAsync(chunk, ct);
            }
        });
        using var http = Create(allowPrivate: true);
        var e = await Assert.ThrowsAsync<FetchFailedException>(() => http.GetBytesAsync(new Uri($"http://127.0.0.1:{server.Port}/close"), 100_000, CancellationToken.None));
        Assert.Contains("larger than the limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_success_status_is_a_fetch_failure()
    {
        await using var site = await ImageSiteAsync();
        using var http = Create(allowPrivate: true);
        var e = await Assert.ThrowsAsync<FetchFailedException>(() => http.GetBytesAsync(site.Url("/status/404"), 1000, CancellationToken.None));
        Assert.Equal("The image URL answered HTTP 404.", e.Message);
    }

    [Fact]
    public async Task A_slow_host_hits_the_total_timeout()
    {
        await using var site = await ImageSiteAsync();
        using var http = Create(allowPrivate: true, totalTimeout: TimeSpan.FromMilliseconds(500));
        var e = await Assert.ThrowsAsync<FetchFailedException>(() => http.GetBytesAsync(site.Url("/slow"), 1000, CancellationToken.None));
        Assert.Contains("did not answer within", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_resolver_that_hangs_hits_the_connect_timeout()
    {
        using var http = new SafeHttp(
            new SafeHttpSettings
            {
                AllowPrivateNetworkTargets = true,
                Resolve = async (_, ct) =>
                {
                    await Task.Delay(Timeout.Infinite, ct);
                    return [];
                },
                ConnectTimeout = TimeSpan.FromMilliseconds(300),
            },
            NullLogger<SafeHttp>.Instance);
        var e = await Assert.ThrowsAsync<FetchFailedException>(() => http.GetBytesAsync(new Uri("http://slow-dns.example/"), 1000, CancellationToken.None));
        Assert.Equal("Could not connect to 'slow-dns.example' within 0.3 seconds.", e.Message);
    }

    [Fact]
    public async Task Unreachable_and_unresolvable_hosts_are_fetch_failures()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var http = Create(allowPrivate: true, Resolver());
        var refused = await Assert.ThrowsAsync<FetchFailedException>(() => http.GetBytesAsync(new Uri($"http://127.0.0.1:{closedPort}/"), 1000, CancellationToken.None));
        Assert.Equal("Could not connect to '127.0.0.1'.", refused.Message);
        var unknown = await Assert.ThrowsAsync<FetchFailedException>(() => http.GetBytesAsync(new Uri("http://no-such-host.example/"), 1000, CancellationToken.None));
        Assert.Equal("The host 'no-such-host.example' could not be resolved.", unknown.Message);
    }
}
