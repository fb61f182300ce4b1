using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Nanogate.IntegrationTests.Contracts.Harness;

/// <summary>A fresh SQLite data directory (real file, WAL) per test class instance; several instances on it share the file.</summary>
public sealed class SqliteHarness : StoreHarness
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "nanogate-tests", "contract-" + Guid.NewGuid().ToString("N"));

    /// <inheritdoc />
    public override string Provider => "sqlite";

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "sqlite",
        ["Storage:DataDirectory"] = _directory,
    };

    /// <inheritdoc />
    public override Task CreateDatabaseAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override async Task<DbConnection> OpenConnectionAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "nanogate.db"), Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var pragma = connection.CreateCommand();
        // The store instances hold the write lock in short transactions: wait for it like they do.
        pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;";
        await pragma.ExecuteNonQueryAsync();
        return connection;
    }

    /// <inheritdoc />
    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }
}
