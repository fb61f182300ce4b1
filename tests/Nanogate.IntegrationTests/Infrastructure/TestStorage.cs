using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Nanogate.Storage.Sqlite;
using Npgsql;

namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>
/// Which database the integration tests run on: SQLite (default), or PostgreSQL when <c>NANOGATE_TEST_STORAGE=postgres</c>,
/// on the server of <c>NANOGATE_TEST_POSTGRES</c> (a base Npgsql connection string, e.g.
/// <c>Host=127.0.0.1;Port=5433;Username=postgres</c>). On PostgreSQL every data directory gets its own database
/// (<c>ng_</c> + a hash of the directory), so a test that restarts a server on one directory finds its data again.
/// </summary>
public static class TestStorage
{
    /// <summary>The base connection string of the test PostgreSQL server, or null when none is configured.</summary>
    public static string? PostgresBase { get; } = Environment.GetEnvironmentVariable("NANOGATE_TEST_POSTGRES") is { Length: > 0 } s ? s : null;

    /// <summary>Whether servers started by the tests run on PostgreSQL.</summary>
    public static bool OnPostgres { get; } = string.Equals(Environment.GetEnvironmentVariable("NANOGATE_TEST_STORAGE"), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>The configuration (without leading dashes) that puts a server's state in <paramref name="dataDirectory"/>, creating its database if needed.</summary>
    public static async Task<IReadOnlyList<string>> SettingsAsync(string dataDirectory)
    {
        if (!OnPostgres)
        {
            return [$"Storage:DataDirectory={dataDirectory}"];
        }

        var connectionString = await CreateDatabaseAsync(DatabaseName(dataDirectory));
        return [$"Storage:DataDirectory={dataDirectory}", "Storage:Provider=postgres", $"ConnectionStrings:Postgres={connectionString}"];
    }

    /// <summary>An open connection to the database of <paramref name="dataDirectory"/> (SQLite file or PostgreSQL database), for tests that look at rows directly.</summary>
    public static async Task<DbConnection> OpenAsync(string dataDirectory)
    {
        if (!OnPostgres)
        {
            return await new SqliteDatabase(dataDirectory).OpenAsync();
        }

        var connection = new NpgsqlConnection(ConnectionString(DatabaseName(dataDirectory)));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Drops the PostgreSQL database of <paramref name="dataDirectory"/> (nothing on SQLite: the folder goes with the test).</summary>
    public static Task DropAsync(string dataDirectory) => OnPostgres ? DropDatabaseAsync(DatabaseName(dataDirectory)) : Task.CompletedTask;

    /// <summary>Creates database <paramref name="name"/> on the test server unless it exists; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string name)
    {
        await using var admin = new NpgsqlConnection(ConnectionString("postgres"));
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", admin);
        exists.Parameters.AddWithValue("name", name);
        if (await exists.ExecuteScalarAsync() is null)
        {
            try
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
                await create.ExecuteNonQueryAsync();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Created meanwhile by the other server of the same test.
            }
        }

        return ConnectionString(name);
    }

    /// <summary>Drops database <paramref name="name"/>, closing whatever is still connected to it.</summary>
    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ConnectionString("postgres"));
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>The connection string of database <paramref name="name"/> on the test server.</summary>
    public static string ConnectionString(string name)
    {
        var baseString = PostgresBase ?? throw new InvalidOperationException("Set NANOGATE_TEST_POSTGRES to a PostgreSQL connection string (e.g. Host=127.0.0.1;Port=5433;Username=postgres) to run on PostgreSQL.");
        return new NpgsqlConnectionStringBuilder(baseString) { Database = name, Pooling = name != "postgres" }.ConnectionString;
    }

    /// <summary>A fresh database name.</summary>
    public static string NewDatabaseName() => "ng_" + Guid.NewGuid().ToString("N");

    private static string DatabaseName(string dataDirectory) =>
        "ng_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..32];
}
