using Dapper;
using Microsoft.Data.Sqlite;

namespace Nanogate.Storage.Sqlite;

/// <summary>
/// The SQLite database file: opens tuned connections, applies migrations, and serialises write
/// transactions in-process (SQLite has one writer at a time; waiting on a semaphore is far cheaper
/// than spinning on SQLITE_BUSY).
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private SqliteConnection? _writer;

    /// <summary>Opens (creating if needed) <c>nanogate.db</c> in <paramref name="dataDirectory"/>.</summary>
    public SqliteDatabase(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        FilePath = Path.GetFullPath(Path.Combine(dataDirectory, "nanogate.db"));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>Opens a connection with the per-connection pragmas set.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction (BEGIN IMMEDIATE) and commits it, holding
    /// the in-process write gate throughout. All writes share one long-lived connection: there is
    /// only ever one SQLite writer, so opening one (and setting its pragmas) per write is pure cost.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _writer ??= await OpenAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                using var transaction = _writer.BeginTransaction(deferred: false);
                var result = await work(_writer, transaction).ConfigureAwait(false);
                transaction.Commit();
                return result;
            }
            catch (SqliteException)
            {
                // A broken connection must not poison every later write: start afresh next time.
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
                throw;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Runs a read on its own pooled connection (WAL readers never block the writer).</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    /// <summary>Sets WAL mode and applies every embedded migration not yet applied, in order.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);").ConfigureAwait(false);
        var applied = (await connection.QueryAsync<string>("SELECT version FROM schema_migrations").ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);

        foreach (var (version, sql) in LoadMigrations("Sqlite"))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await using var transaction = connection.BeginTransaction(deferred: false);
            await connection.ExecuteAsync(sql, transaction: transaction).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @now)",
                new { version, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The embedded migrations of a provider, ordered by file name (their version).</summary>
    internal static IEnumerable<(string Version, string Sql)> LoadMigrations(string provider)
    {
        var assembly = typeof(SqliteDatabase).Assembly;
        var prefix = $"{assembly.GetName().Name}.Migrations.{provider}.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (Path.GetFileNameWithoutExtension(name[prefix.Length..]), reader.ReadToEnd());
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        _writeGate.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
