using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Nanogate.Storage.Sqlite;

/// <summary>
/// A hot statement of the write path (a hold, a settlement, a task image's capture), prepared once per writer
/// connection and reused: each execution only resets it and binds new values.
/// </summary>
/// <remarks>
/// Why: through Dapper every execution built a new command, so SQLite parsed and planned the SQL again
/// (<c>sqlite3RunParser</c>, <c>yy_find_shift_action</c>, <c>sqlite3WhereBegin</c> in the profiles) and the
/// parameters were looked up and converted again; a synchronous generation ran 14 such statements (a hold of 5, a
/// settlement of 9), which made the SQLite and Dapper code half of the bytes a 1.4 MB passthrough allocated and its
/// hold and settlement 0.3 and 0.4 ms at c=1 (docs/benchmarks.md, issue 17). The cache lives as long as the
/// connection object and pays off on the writer (all writes go through <see cref="SqliteDatabase"/>'s single
/// long-lived writer, one at a time). A read may use the same statements so that a query is written once
/// (<c>SqliteTaskStore.ReadSnapshot</c>), but <see cref="SqliteDatabase.ReadAsync{T}"/> opens a new connection object
/// per read, so there each statement is prepared for that read only: no worse than an unprepared command, no better.
/// A connection runs one thing at a time, so a command is never shared between threads.
/// </remarks>
internal sealed class SqliteStatement(string sql, params string[] parameters)
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<SqliteStatement, SqliteCommand>> Prepared = new();

    /// <summary>Runs the statement with <paramref name="values"/> (in the order of the names given at construction); returns the rows changed.</summary>
    public int Execute(SqliteConnection connection, SqliteTransaction transaction, params ReadOnlySpan<object?> values) =>
        Bind(connection, transaction, values).ExecuteNonQuery();

    /// <summary>Runs the statement with <paramref name="values"/>; the reader must be disposed before the connection runs anything else.</summary>
    public SqliteDataReader Query(SqliteConnection connection, SqliteTransaction transaction, params ReadOnlySpan<object?> values) =>
        Bind(connection, transaction, values).ExecuteReader();

    private SqliteCommand Bind(SqliteConnection connection, SqliteTransaction transaction, ReadOnlySpan<object?> values)
    {
        if (values.Length != parameters.Length)
        {
            throw new ArgumentException($"{parameters.Length} values expected, {values.Length} given.", nameof(values));
        }

        var commands = Prepared.GetOrCreateValue(connection);
        if (!commands.TryGetValue(this, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter("@" + name, DBNull.Value));
            }

            command.Transaction = transaction;
            command.Prepare();
            commands[this] = command;
        }

        command.Transaction = transaction;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command;
    }
}
