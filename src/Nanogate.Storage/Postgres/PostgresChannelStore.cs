using Dapper;
using Nanogate.Storage.Channels;

namespace Nanogate.Storage.Postgres;

/// <summary>The stored channels on PostgreSQL. Every change is one statement, atomic on its own.</summary>
public sealed class PostgresChannelStore(PostgresDatabase db) : IChannelStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<StoredChannel>> ListAsync(CancellationToken cancellationToken) =>
        db.RunAsync<IReadOnlyList<StoredChannel>>(async c =>
        {
            var rows = await c.QueryAsync<(string Name, string Kind, string BaseUrl, string ApiKey, long Priority, bool Enabled, long CreatedAt, string? Settings)>(
                "SELECT name, kind, base_url, api_key, priority, enabled, created_at, settings FROM channels ORDER BY priority, name COLLATE \"C\"").ConfigureAwait(false);
            return [.. rows.Select(r => new StoredChannel(r.Name, r.Kind, r.BaseUrl, r.ApiKey, (int)r.Priority, r.Enabled, r.CreatedAt, r.Settings))];
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> AddAsync(StoredChannel channel, CancellationToken cancellationToken) =>
        db.RunAsync(
            async c => await c.ExecuteAsync(
                "INSERT INTO channels (name, kind, base_url, api_key, priority, enabled, created_at, settings) VALUES (@Name, @Kind, @BaseUrl, @ApiKey, @Priority, @Enabled, @CreatedAt, @Settings) ON CONFLICT (name) DO NOTHING",
                channel).ConfigureAwait(false) == 1,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> UpdateAsync(StoredChannel channel, CancellationToken cancellationToken) =>
        db.RunAsync(
            async c => await c.ExecuteAsync(
                "UPDATE channels SET kind = @Kind, base_url = @BaseUrl, api_key = @ApiKey, priority = @Priority, enabled = @Enabled, settings = @Settings WHERE name = @Name",
                channel).ConfigureAwait(false) == 1,
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> RemoveAsync(string name, CancellationToken cancellationToken) =>
        db.RunAsync(async c => await c.ExecuteAsync("DELETE FROM channels WHERE name = @name", new { name }).ConfigureAwait(false) > 0, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken) =>
        db.RunAsync(async c => await c.ExecuteAsync("UPDATE channels SET enabled = @enabled WHERE name = @name", new { name, enabled }).ConfigureAwait(false) > 0, cancellationToken);
}
