using Microsoft.Extensions.DependencyInjection;

namespace Nanogate.Storage.Postgres;

/// <summary>Registers the PostgreSQL provider: several processes sharing one database.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>Every store contract on the database of <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString)
    {
        // Not built yet: NanogateApp refuses Storage:Provider=postgres at start with a clear message.
        _ = connectionString;
        return services;
    }
}
