using Dapper;
using Nanogate.Storage.Media;

namespace Nanogate.Storage.Postgres;

/// <summary>The <c>media</c> rows on PostgreSQL.</summary>
public sealed class PostgresMediaIndex(PostgresDatabase db) : IMediaIndex
{
    /// <summary>The insert of a media row (parameters named after <see cref="NewMediaRow"/>'s properties).</summary>
    internal const string InsertSql =
        "INSERT INTO media (id, account_id, mime_type, bytes, width, height, created_at, expires_at) VALUES (@Id, @AccountId, @MimeType, @Bytes, @Width, @Height, @CreatedAt, @ExpiresAt)";

    private const string Columns = "id AS Id, account_id AS AccountId, mime_type AS MimeType, bytes AS Bytes, width AS Width, height AS Height, created_at AS CreatedAt, expires_at AS ExpiresAt, purged_at AS PurgedAt";

    /// <inheritdoc />
    public Task InsertAsync(NewMediaRow row, CancellationToken cancellationToken) =>
        db.RunAsync(c => c.ExecuteAsync(InsertSql, row), cancellationToken);

    /// <inheritdoc />
    public Task<MediaRow?> FindAsync(string id, CancellationToken cancellationToken) =>
        db.RunAsync(c => c.QuerySingleOrDefaultAsync<MediaRow>($"SELECT {Columns} FROM media WHERE id = @id", new { id }), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListExpiredAsync(long cutoff, CancellationToken cancellationToken) =>
        (await db.RunAsync(
            c => c.QueryAsync<string>("SELECT id FROM media WHERE purged_at IS NULL AND expires_at <= @cutoff ORDER BY expires_at LIMIT @limit", new { cutoff, limit = IMediaIndex.ExpiredBatch }),
            cancellationToken).ConfigureAwait(false)).AsList();

    /// <inheritdoc />
    public Task<long> StoredBytesAsync(CancellationToken cancellationToken) =>
        db.RunAsync(c => c.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(bytes), 0) FROM media WHERE purged_at IS NULL"), cancellationToken);

    /// <inheritdoc />
    public Task MarkPurgedAsync(IReadOnlyList<string> ids, long purgedAt, CancellationToken cancellationToken) =>
        db.RunAsync(
            c => c.ExecuteAsync("UPDATE media SET purged_at = @purgedAt WHERE id = ANY(@ids) AND purged_at IS NULL", new { purgedAt, ids = ids.ToArray() }),
            cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        (await db.RunAsync(
            c => c.QueryAsync<string>("SELECT id FROM media WHERE id = ANY(@ids)", new { ids = ids.ToArray() }),
            cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
}
