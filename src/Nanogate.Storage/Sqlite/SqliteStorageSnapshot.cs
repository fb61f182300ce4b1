using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Nanogate.Storage.Transfer;

namespace Nanogate.Storage.Sqlite;

/// <summary>A read transaction on the SQLite file, held open so everything read comes from one moment.</summary>
internal sealed class SqliteStorageSnapshot(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<TransferTable> tables) : IStorageSnapshot
{
    /// <inheritdoc />
    public IReadOnlyList<TransferTable> Tables => tables;

    /// <inheritdoc />
    public async IAsyncEnumerable<object?[]> ReadRowsAsync(TransferTable table, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // By rowid, the insertion order: the target numbers rows it generates keys for (tasks.seq) in this order.
        command.CommandText = $"SELECT {string.Join(", ", table.Columns.Select(TransferTally.Quote))} FROM {TransferTally.Quote(table.Name)} ORDER BY rowid";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var values = new object?[table.Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            yield return values;
        }
    }

    /// <inheritdoc />
    public Task<StorageTally> TallyAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken) =>
        TransferTally.ReadAsync(connection, transaction, tables, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }
}
