using Nanogate.Storage;

namespace Nanogate.Hosting.Commands;

/// <summary>
/// The server's services without its web server, for an operator command: the same configuration sources, options
/// and stores as <c>serve</c> (so a command sees exactly the data the server would), with the log quiet.
/// </summary>
internal sealed class OperatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OperatorHost(WebApplication app) => _app = app;

    /// <summary>The services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The configuration.</summary>
    public IConfiguration Configuration => _app.Configuration;

    /// <summary>Builds the services from <paramref name="settings"/>, validates every option, and migrates the database when asked.</summary>
    public static async Task<OperatorHost> OpenAsync(IReadOnlyList<string> settings, bool migrate, CancellationToken cancellationToken)
    {
        var app = NanogateApp.Build(["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft=Warning", .. settings]);
        var host = new OperatorHost(app);
        try
        {
            // The checks serve makes at start (ValidateOnStart), made now so a bad value is reported before any work.
            app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
            if (migrate)
            {
                await app.Services.GetRequiredService<IStorage>().MigrateAsync(cancellationToken).ConfigureAwait(false);
            }

            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A required service.</summary>
    public T Get<T>()
        where T : notnull => _app.Services.GetRequiredService<T>();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
