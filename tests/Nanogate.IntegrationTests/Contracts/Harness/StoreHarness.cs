using System.Data.Common;
using Dapper;

namespace Nanogate.IntegrationTests.Contracts.Harness;

/// <summary>
/// A fresh database on one provider for one test class instance, dropped afterwards; it starts store instances
/// on it and, for the few checks no contract call can make, runs raw SQL (the schemas of both providers share
/// table and column names, so the SQL itself is portable; each provider only supplies the connection).
/// </summary>
public abstract class StoreHarness : IAsyncDisposable
{
    private readonly List<StoreInstance> _instances = [];

    /// <summary><c>sqlite</c> or <c>postgres</c>.</summary>
    public abstract string Provider { get; }

    /// <summary>The configuration that points <c>AddNanogateStorage</c> at this database.</summary>
    protected abstract IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>Creates the empty database.</summary>
    public abstract Task CreateDatabaseAsync();

    /// <summary>An open connection of the provider's own ADO.NET type to the database, outside every store instance.</summary>
    public abstract Task<DbConnection> OpenConnectionAsync();

    /// <summary>Deletes the database (after every instance is disposed).</summary>
    protected abstract Task DropDatabaseAsync();

    /// <summary>Starts a store instance (a "process") on the database, migrated.</summary>
    public async Task<StoreInstance> StartInstanceAsync()
    {
        var instance = await StoreInstance.StartAsync(Settings);
        lock (_instances)
        {
            _instances.Add(instance);
        }

        return instance;
    }

    /// <summary>Runs a raw statement (setup no contract offers).</summary>
    public async Task<int> ExecuteAsync(string sql, object? parameters = null)
    {
        await using var connection = await OpenConnectionAsync();
        return await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Runs a raw query (inspection no contract offers).</summary>
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = await OpenConnectionAsync();
        return [.. await connection.QueryAsync<T>(sql, parameters)];
    }

    /// <summary>Disposes every instance, then drops the database.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        _instances.Clear();
        await DropDatabaseAsync();
        GC.SuppressFinalize(this);
    }
}
