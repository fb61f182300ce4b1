using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Nanogate.Bench;

/// <summary>
/// An OTLP/HTTP collector stand-in on loopback for <c>--tracing</c>: answers every export (<c>/v1/traces</c>,
/// <c>/v1/metrics</c>, <c>/v1/logs</c>) with an empty 200 (a valid empty protobuf response) after reading it whole, and
/// counts what arrived, so the traced gateways pay the whole cost of exporting: sampling, recording, batching,
/// serializing and sending.
/// </summary>
internal sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _exports;
    private long _bytes;

    private OtlpSink(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The base URL to give as <c>Telemetry:OtlpEndpoint</c>.</summary>
    public Uri Url { get; }

    /// <summary>Export requests received (all signals).</summary>
    public long Exports => Interlocked.Read(ref _exports);

    /// <summary>Bytes of export bodies received.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public static async Task<OtlpSink> StartAsync()
    {
        var port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var sink = new OtlpSink(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/v1/{signal}", sink.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        return sink;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var buffer = new byte[16 * 1024];
        long read = 0;
        int n;
        while ((n = await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
        {
            read += n;
        }

        Interlocked.Increment(ref _exports);
        Interlocked.Add(ref _bytes, read);
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength = 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
