using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Storage;

namespace Nanogate.IntegrationTests.Postgres;

/// <summary>A fresh PostgreSQL database for one test, dropped afterwards; builds independent "processes" (service providers) on it.</summary>
public sealed class PostgresDatabaseFixture : IAsyncDisposable
{
    private readonly List<ServiceProvider> _processes = [];

    private PostgresDatabaseFixture(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<PostgresDatabaseFixture> CreateAsync()
    {
        var name = TestStorage.NewDatabaseName();
        return new PostgresDatabaseFixture(name, await TestStorage.CreateDatabaseAsync(name));
    }

    /// <summary>
    /// What one Nanogate process would build: its own service provider, hence its own data source, registered
    /// exactly as the application does (<see cref="StorageServiceCollectionExtensions.AddNanogateStorage"/>).
    /// </summary>
    public ServiceProvider NewProcess(Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = ConnectionString,
        }).Build();
        var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddNanogateStorage(configuration);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        lock (_processes)
        {
            _processes.Add(provider);
        }

        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await TestStorage.DropDatabaseAsync(Name);
    }
}
