using Microsoft.Data.Sqlite;
using Nanogate.Storage.Migrations;
using Nanogate.Storage.Transfer;

namespace Nanogate.Storage.Sqlite;

/// <summary>The SQLite file as the source of a copy to another provider: a read-only snapshot of the whole file.</summary>
public sealed class SqliteStorageExport(SqliteDatabase db) : IStorageExport
{
    /// <inheritdoc />
    public string Location => db.FilePath;

    /// <inheritdoc />
    public async Task<IStorageSnapshot> OpenAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(db.FilePath))
        {
            throw new StorageTransferException($"There is no Nanogate database at {db.FilePath} (give the data directory of the SQLite install, the folder holding nanogate.db).");
        }

        // Read-only and unpooled: the copy must never change the install it copies, nor keep the file open afterwards.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = db.FilePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            // One read transaction: every table and the tally see the same moment, even if something still writes.
            var transaction = connection.BeginTransaction(deferred: true);
            await CheckSchemaAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var tables = await ListTablesAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            return new SqliteStorageSnapshot(connection, transaction, tables);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task CheckSchemaAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "SELECT version FROM schema_migrations";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1)
        {
            throw new StorageTransferException($"{db.FilePath} is not a Nanogate database (it has no schema_migrations table).", e);
        }

        var known = EmbeddedMigrations.Load("Sqlite").Select(m => m.Version).ToHashSet(StringComparer.Ordinal);
        if (known.Except(applied).Order(StringComparer.Ordinal).ToList() is [var first, ..])
        {
            throw new StorageTransferException($"The SQLite database at {db.FilePath} lacks migration {first}: start this Nanogate version on it once (it migrates at start), stop it, then copy.");
        }

        if (applied.Except(known).Order(StringComparer.Ordinal).ToList() is [var newer, ..])
        {
            throw new StorageTransferException($"The SQLite database at {db.FilePath} has migration {newer}, newer than this Nanogate build: copy it with the version that wrote it.");
        }
    }

    private static async Task<List<TransferTable>> ListTablesAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            // task_queue_depth is not copied: it is derived from tasks, and the target's own triggers fill it as the
            // tasks arrive (its layout differs per provider: PostgreSQL spreads an account over shard rows).
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT IN ('schema_migrations', 'task_queue_depth') ORDER BY name";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                names.Add(reader.GetString(0));
            }
        }

        var tables = new Dictionary<string, TransferTable>(StringComparer.Ordinal);
        var references = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var columns = new List<string>();
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT name FROM pragma_table_info($t) ORDER BY cid";
                command.Parameters.AddWithValue("$t", name);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    columns.Add(reader.GetString(0));
                }
            }

            var referenced = new List<string>();
            await using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list($t)";
                command.Parameters.AddWithValue("$t", name);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    referenced.Add(reader.GetString(0));
                }
            }

            tables[name] = new TransferTable(name, columns);
            references[name] = referenced;
        }

        // Dependency order (referenced tables first), alphabetical among equals so the order is stable.
        var ordered = new List<TransferTable>();
        var placed = new HashSet<string>(StringComparer.Ordinal);
        while (ordered.Count < names.Count)
        {
            var next = names.FirstOrDefault(n => !placed.Contains(n) && references[n].All(r => r == n || placed.Contains(r) || !tables.ContainsKey(r)))
                ?? throw new StorageTransferException("The SQLite schema has a cycle of foreign keys; its tables cannot be copied one after another.");
            placed.Add(next);
            ordered.Add(tables[next]);
        }

        return ordered;
    }
}
