using Microsoft.Extensions.DependencyInjection;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Channels;
using Nanogate.Storage.Ledger;
using Nanogate.Storage.Media;
using Nanogate.Storage.Reports;
using Nanogate.Storage.Tasks;
using Nanogate.Storage.Transfer;
using Nanogate.Storage.Webhooks;

namespace Nanogate.Storage.Sqlite;

/// <summary>Registers the SQLite provider: one database file in a data directory, one process.</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>Every store contract on <c>nanogate.db</c> in <paramref name="dataDirectory"/>.</summary>
    public static IServiceCollection AddSqliteStorage(this IServiceCollection services, string dataDirectory)
    {
        services.AddSingleton(_ => new SqliteDatabase(dataDirectory));
        services.AddSingleton<IStorage, SqliteStorage>();
        services.AddSingleton<IAccountStore, SqliteAccountStore>();
        services.AddSingleton<ILedger, SqliteLedger>();
        services.AddSingleton<IMediaIndex, SqliteMediaIndex>();
        services.AddSingleton<IWebhookOutbox, SqliteWebhookOutbox>();
        services.AddSingleton<IAdminReports, SqliteAdminReports>();
        services.AddSingleton<Retention.ITaskRetention, SqliteTaskRetention>();
        services.AddSingleton<Retention.IUsageRetention, SqliteUsageRetention>();
        services.AddSingleton<Admin.IAdminStore, SqliteAdminStore>();
        services.AddSingleton<ITaskStore, SqliteTaskStore>();
        services.AddSingleton<IChannelStore, SqliteChannelStore>();
        services.AddSingleton<IChangeFeed, InProcessChangeFeed>();
        services.AddSingleton<IStorageExport, SqliteStorageExport>();
        services.AddSingleton<Backup.IStorageBackup, SqliteStorageBackup>();
        return services;
    }
}
