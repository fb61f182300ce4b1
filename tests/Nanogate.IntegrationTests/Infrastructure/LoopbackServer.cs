using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>A small real Kestrel server on 127.0.0.1 and a free port: fake upstreams, image hosts, webhook receivers.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app)
    {
        _app = app;
        Address = app.Urls.First().TrimEnd('/');
    }

    /// <summary>"http://127.0.0.1:PORT", no trailing slash.</summary>
    public string Address { get; }

    /// <summary>The address as a URI.</summary>
    public Uri BaseUrl => new(Address);

    /// <summary>The server's services (for tests that registered some).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Builds, maps and starts a server; <paramref name="configure"/> may add services first.</summary>
    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new LoopbackServer(app);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
