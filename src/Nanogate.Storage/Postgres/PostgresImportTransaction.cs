using System.Globalization;
using Dapper;
using Nanogate.Storage.Transfer;
using Npgsql;
using NpgsqlTypes;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// The one transaction of a copy into PostgreSQL: each table arrives by <c>COPY … FROM STDIN (FORMAT BINARY)</c>, values
/// converted to the column types the target declares (SQLite keeps booleans and every integer as 64-bit integers).
/// </summary>
internal sealed class PostgresImportTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PostgresImportColumn> columns) : IStorageImportTransaction
{
    /// <inheritdoc />
    public async Task<long> WriteAsync(TransferTable table, IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        var targetColumns = columns.Where(c => c.Table == table.Name).ToDictionary(c => c.Name, StringComparer.Ordinal);
        if (targetColumns.Count == 0)
        {
            throw new StorageTransferException($"The PostgreSQL schema has no table {table.Name}; this build cannot copy it.");
        }

        var types = new NpgsqlDbType[table.Columns.Count];
        for (var i = 0; i < types.Length; i++)
        {
            if (!targetColumns.TryGetValue(table.Columns[i], out var column))
            {
                throw new StorageTransferException($"The PostgreSQL schema has no column {table.Name}.{table.Columns[i]}; this build cannot copy it.");
            }

            types[i] = TypeOf(column);
        }

        var copy = $"COPY {TransferTally.Quote(table.Name)} ({string.Join(", ", table.Columns.Select(TransferTally.Quote))}) FROM STDIN (FORMAT BINARY)";
        await using var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken).ConfigureAwait(false);
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < row.Length; i++)
            {
                if (row[i] is null)
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteAsync(Convert(row[i]!, types[i], table.Name, table.Columns[i]), types[i], cancellationToken).ConfigureAwait(false);
                }
            }
        }

        return (long)await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<StorageTally> TallyAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken) =>
        TransferTally.ReadAsync(connection, transaction, tables, cancellationToken);

    /// <inheritdoc />
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        // COPY writes the given values into identity columns without touching their sequences: move each past the
        // largest copied value, or the first new row would collide with a copied one. (setval is not undone by a
        // rollback; on an empty target that only means later ids start higher.)
        foreach (var column in columns.Where(c => c.IsIdentity))
        {
            var table = TransferTally.Quote(column.Table);
            var name = TransferTally.Quote(column.Name);
            await connection.ExecuteAsync(new CommandDefinition(
                $"SELECT setval(pg_get_serial_sequence(@table, @column), COALESCE((SELECT MAX({name}) FROM {table}), 1), (SELECT MAX({name}) FROM {table}) IS NOT NULL)",
                new { table = column.Table, column = column.Name },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync().ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private static NpgsqlDbType TypeOf(PostgresImportColumn column) => column.DataType switch
    {
        "bigint" => NpgsqlDbType.Bigint,
        "integer" => NpgsqlDbType.Integer,
        "smallint" => NpgsqlDbType.Smallint,
        "boolean" => NpgsqlDbType.Boolean,
        "text" or "character varying" => NpgsqlDbType.Text,
        "double precision" => NpgsqlDbType.Double,
        "real" => NpgsqlDbType.Real,
        "numeric" => NpgsqlDbType.Numeric,
        "bytea" => NpgsqlDbType.Bytea,
        _ => throw new StorageTransferException($"Column {column.Table}.{column.Name} has type {column.DataType}, which the copy does not know how to fill."),
    };

    private static object Convert(object value, NpgsqlDbType type, string table, string column)
    {
        try
        {
            return type switch
            {
                NpgsqlDbType.Bigint => System.Convert.ToInt64(value, CultureInfo.InvariantCulture),
                NpgsqlDbType.Integer => System.Convert.ToInt32(value, CultureInfo.InvariantCulture),
                NpgsqlDbType.Smallint => System.Convert.ToInt16(value, CultureInfo.InvariantCulture),

                // SQLite has no boolean: 0 and 1 (any non-zero is true, as SQLite itself reads it).
                NpgsqlDbType.Boolean => value is string s ? bool.Parse(s) : System.Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
                NpgsqlDbType.Text => value as string ?? System.Convert.ToString(value, CultureInfo.InvariantCulture)!,
                NpgsqlDbType.Double => System.Convert.ToDouble(value, CultureInfo.InvariantCulture),
                NpgsqlDbType.Real => System.Convert.ToSingle(value, CultureInfo.InvariantCulture),
                NpgsqlDbType.Numeric => System.Convert.ToDecimal(value, CultureInfo.InvariantCulture),
                _ => value,
            };
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            throw new StorageTransferException($"A value of {table}.{column} ({value.GetType().Name}) does not fit its PostgreSQL type {type}.", e);
        }
    }
}
