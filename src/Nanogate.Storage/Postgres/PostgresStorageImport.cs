using System.Data;
using Dapper;
using Nanogate.Storage.Transfer;

namespace Nanogate.Storage.Postgres;

/// <summary>The PostgreSQL database as the target of a copy from another provider: migrated, empty, one transaction.</summary>
public sealed class PostgresStorageImport(PostgresDatabase db) : IStorageImport
{
    /// <inheritdoc />
    public string Location => db.Location;

    /// <inheritdoc />
    public async Task<IStorageImportTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        await db.MigrateAsync(cancellationToken).ConfigureAwait(false);
        var connection = await db.SessionDataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);

            // The lock a starting server takes before it creates its admin key and demo account (PostgresStorage.LockAsync
            // "bootstrap"): a server started on this database meanwhile waits for the copy and then finds its accounts.
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(hashtextextended('bootstrap', 0))", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var columns = (await connection.QueryAsync<PostgresImportColumn>(new CommandDefinition(
                """
                SELECT table_name AS "Table", column_name AS "Name", data_type AS "DataType", is_identity = 'YES' AS "IsIdentity"
                FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'
                """,
                transaction: transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();

            var occupied = new List<string>();
            foreach (var table in columns.Select(c => c.Table).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                var rows = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {TransferTally.Quote(table)}", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                if (rows > 0)
                {
                    occupied.Add($"{table}: {rows}");
                }
            }

            if (occupied.Count > 0)
            {
                throw new StorageTransferException(
                    $"The PostgreSQL database at {db.Location} is not empty ({string.Join(", ", occupied)} rows); copy-storage only copies into a new, empty database, so nothing was changed.");
            }

            return new PostgresImportTransaction(connection, transaction, columns);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
