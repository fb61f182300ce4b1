using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Channels;
using Nanogate.Storage.Ledger;
using Nanogate.Storage.Media;
using Nanogate.Storage.Reports;
using Nanogate.Storage.Tasks;
using Nanogate.Storage.Transfer;
using Nanogate.Storage.Webhooks;

namespace Nanogate.Storage.Postgres;

/// <summary>Registers the PostgreSQL provider: several processes sharing one database.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Every store contract on the database of <paramref name="connectionString"/> (an Npgsql connection string), the
    /// <see cref="IChangeFeed"/> over LISTEN/NOTIFY, and <see cref="DatabaseClock"/> as the <see cref="TimeProvider"/> in
    /// place of the system clock (when none or <see cref="TimeProvider.System"/> is registered): every process then
    /// reads the database server's time. A clock of the caller's own (a test's fixed clock) is kept.
    /// </summary>
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, string connectionString)
    {
        services.AddLogging();

        // Built on first use, so a missing connection string fails with its message at start, not at registration.
        services.AddSingleton(_ => new PostgresDatabase(connectionString));
        services.AddSingleton<DatabaseClock>();
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(TimeProvider));
        if (registered is null || ReferenceEquals(registered.ImplementationInstance, TimeProvider.System))
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<DatabaseClock>());
        }

        services.AddSingleton<IStorage, PostgresStorage>();
        services.AddSingleton<IAccountStore, PostgresAccountStore>();
        services.AddSingleton<ILedger, PostgresLedger>();
        services.AddSingleton<IMediaIndex, PostgresMediaIndex>();
        services.AddSingleton<IWebhookOutbox, PostgresWebhookOutbox>();
        services.AddSingleton<IAdminReports, PostgresAdminReports>();
        services.AddSingleton<Retention.ITaskRetention, PostgresTaskRetention>();
        services.AddSingleton<Retention.IUsageRetention, PostgresUsageRetention>();
        services.AddSingleton<Admin.IAdminStore, PostgresAdminStore>();
        services.AddSingleton<PostgresNotifier>();
        services.AddSingleton<ITaskStore, PostgresTaskStore>();
        services.AddSingleton<IChannelStore, PostgresChannelStore>();
        services.AddSingleton<PostgresChangeFeed>();
        services.AddSingleton<IChangeFeed>(sp => sp.GetRequiredService<PostgresChangeFeed>());
        services.AddHostedService<PostgresChangeFeedStarter>();
        services.AddSingleton<IStorageImport, PostgresStorageImport>();
        services.AddSingleton<Backup.IStorageBackup, PostgresStorageBackup>();
        return services;
    }
}
