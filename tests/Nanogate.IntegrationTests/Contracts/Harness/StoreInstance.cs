using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nanogate.Storage;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Channels;
using Nanogate.Storage.Ledger;
using Nanogate.Storage.Media;
using Nanogate.Storage.Reports;
using Nanogate.Storage.Tasks;
using Nanogate.Storage.Webhooks;

namespace Nanogate.IntegrationTests.Contracts.Harness;

/// <summary>
/// One "process" on the test database: its own service provider, built the way the app builds it
/// (<see cref="TimeProvider"/> + <c>AddNanogateStorage(configuration)</c>), with its own connections, caches and
/// listeners. Two instances on one database are two processes sharing it.
/// </summary>
public sealed class StoreInstance : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly List<IHostedService> _started = [];

    private StoreInstance(ServiceProvider services) => _services = services;

    /// <summary>The database as a whole.</summary>
    public IStorage Storage => _services.GetRequiredService<IStorage>();

    /// <summary>Accounts, keys and settings.</summary>
    public IAccountStore Accounts => _services.GetRequiredService<IAccountStore>();

    /// <summary>The credit ledger.</summary>
    public ILedger Ledger => _services.GetRequiredService<ILedger>();

    /// <summary>The task queue.</summary>
    public ITaskStore Tasks => _services.GetRequiredService<ITaskStore>();

    /// <summary>The media rows.</summary>
    public IMediaIndex Media => _services.GetRequiredService<IMediaIndex>();

    /// <summary>The webhook outbox.</summary>
    public IWebhookOutbox Outbox => _services.GetRequiredService<IWebhookOutbox>();

    /// <summary>Stored channels.</summary>
    public IChannelStore Channels => _services.GetRequiredService<IChannelStore>();

    /// <summary>The operator's reports.</summary>
    public IAdminReports Reports => _services.GetRequiredService<IAdminReports>();

    /// <summary>The operator's console store.</summary>
    public Nanogate.Storage.Admin.IAdminStore Admin => _services.GetRequiredService<Nanogate.Storage.Admin.IAdminStore>();

    /// <summary>Task retention.</summary>
    public Nanogate.Storage.Retention.ITaskRetention TaskRetention => _services.GetRequiredService<Nanogate.Storage.Retention.ITaskRetention>();

    /// <summary>Usage retention (the daily roll-up).</summary>
    public Nanogate.Storage.Retention.IUsageRetention UsageRetention => _services.GetRequiredService<Nanogate.Storage.Retention.IUsageRetention>();

    /// <summary>Cross-process change hints.</summary>
    public IChangeFeed Changes => _services.GetRequiredService<IChangeFeed>();

    /// <summary>Builds the instance, brings the schema up to date and starts the provider's background services (as the host would).</summary>
    public static async Task<StoreInstance> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ITaskEventRenderer, TestTaskEventRenderer>();
        services.AddNanogateStorage(configuration);
        var instance = new StoreInstance(services.BuildServiceProvider());
        try
        {
            await instance.Storage.MigrateAsync(CancellationToken.None);
            foreach (var hosted in instance._services.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None);
                instance._started.Add(hosted);
            }
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }

        return instance;
    }

    /// <summary>Stops the background services and disposes the provider (closing its connections).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in Enumerable.Reverse(_started))
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        _started.Clear();
        await _services.DisposeAsync();
    }
}
