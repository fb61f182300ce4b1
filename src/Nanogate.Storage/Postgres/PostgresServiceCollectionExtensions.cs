using Microsoft.Extensions.DependencyInjection;

namespace Nanogate.Storage.Postgres;

/// <summary>Registers the PostgreSQL provider: several processes sharing one database.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>Every store contract on the database of <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString)
    {
        _ = connectionString;
        _ = services;
        throw new InvalidOperationException("Storage:Provider 'postgres' is not available in this build yet; use 'sqlite' (the default).");
    }
}
