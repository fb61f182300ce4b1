using System.Data.Common;
using Npgsql;

namespace Nanogate.IntegrationTests.Contracts.Harness;

/// <summary>A fresh database <c>ng_&lt;guid&gt;</c> on the test server per test class instance, dropped <c>WITH (FORCE)</c> afterwards.</summary>
public sealed class PostgresHarness : StoreHarness
{
    private readonly string _database = "ng_" + Guid.NewGuid().ToString("N");
    private string? _connectionString;

    /// <inheritdoc />
    public override string Provider => "postgres";

    /// <summary>The connection string of the test database.</summary>
    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("The database is not created yet.");

    /// <inheritdoc />
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "postgres",
        ["ConnectionStrings:Postgres"] = ConnectionString,
    };

    /// <inheritdoc />
    public override async Task CreateDatabaseAsync()
    {
        var server = PostgresTestServer.RequireConnectionString();
        await using (var admin = await OpenAdminAsync(server))
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        _connectionString = new NpgsqlConnectionStringBuilder(server) { Database = _database }.ToString();
    }

    /// <inheritdoc />
    public override async Task<DbConnection> OpenConnectionAsync()
    {
        // Unpooled: the drop must not find idle connections of the harness's own.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    /// <inheritdoc />
    protected override async Task DropDatabaseAsync()
    {
        if (_connectionString is null)
        {
            return;
        }

        await using (var pooled = new NpgsqlConnection(_connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var admin = await OpenAdminAsync(PostgresTestServer.RequireConnectionString());
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<NpgsqlConnection> OpenAdminAsync(string server)
    {
        var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ToString());
        await admin.OpenAsync();
        return admin;
    }
}
