using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Nanogate.IntegrationTests.Security;

/// <summary>
/// A minimal Kestrel site on a loopback address (port 0 unless told) that records every request it
/// sees: the stand-in for image hosts and webhook receivers.
/// </summary>
public sealed class LoopbackSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackSite(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    /// <summary>Every request seen, in order.</summary>
    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    public static async Task<LoopbackSite> StartAsync(Action<WebApplication> map, string ip = "127.0.0.1", int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://{ip}:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        LoopbackSite? site = null;
        app.Use(async (context, next) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            context.Request.Body = new MemoryStream(body.ToArray());
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.Ordinal);
            site!.Requests.Enqueue(new SeenRequest(context.Request.Method, context.Request.Host.ToString(), context.Request.Path, headers, body.ToArray(), DateTimeOffset.UtcNow));
            await next();
        });
        map(app);
        await app.StartAsync();
        site = new LoopbackSite(app, new Uri(app.Urls.First()));
        return site;
    }

    public Uri Url(string pathAndQuery) => new(BaseAddress, pathAndQuery);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A request a <see cref="LoopbackSite"/> saw.</summary>
public sealed record SeenRequest(string Method, string Host, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At);
