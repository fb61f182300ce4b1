using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.Storage.Postgres;
using Nanogate.Storage.Sqlite;

namespace Nanogate.Storage;

/// <summary>Registers the storage provider chosen by <c>Storage:Provider</c>: the one place that knows both providers exist.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers every store contract (<see cref="IStorage"/>, accounts, ledger, tasks, media index, webhook outbox,
    /// channels, admin reports) and the <see cref="Changes.IChangeFeed"/> of the configured provider.
    /// </summary>
    public static IServiceCollection AddNanogateStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Storage:Provider"];
        if (string.Equals(provider, "postgres", StringComparison.OrdinalIgnoreCase))
        {
            return services.AddPostgresStorage(configuration.GetConnectionString("Postgres") ?? "");
        }

        return services.AddSqliteStorage(configuration["Storage:DataDirectory"] is { Length: > 0 } dir ? dir : "./data");
    }
}
