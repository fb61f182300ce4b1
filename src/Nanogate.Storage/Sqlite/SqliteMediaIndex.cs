using Dapper;
using Microsoft.Data.Sqlite;
using Nanogate.Storage.Media;

namespace Nanogate.Storage.Sqlite;

/// <summary>The <c>media</c> rows on SQLite.</summary>
public sealed class SqliteMediaIndex(SqliteDatabase db) : IMediaIndex
{
    private const string Columns = "id AS Id, account_id AS AccountId, mime_type AS MimeType, bytes AS Bytes, width AS Width, height AS Height, created_at AS CreatedAt, expires_at AS ExpiresAt, purged_at AS PurgedAt";

    /// <inheritdoc />
    public Task InsertAsync(NewMediaRow row, CancellationToken cancellationToken) =>
        db.WriteAsync((c, tx) => Task.FromResult(Insert(c, tx, row)), cancellationToken);

    /// <inheritdoc />
    public Task<MediaRow?> FindAsync(string id, CancellationToken cancellationToken) =>
        db.ReadAsync(
            c => c.QuerySingleOrDefaultAsync<MediaRow>($"SELECT {Columns} FROM media WHERE id = @id", new { id }),
            cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListExpiredAsync(long cutoff, CancellationToken cancellationToken) =>
        (await db.ReadAsync(
            c => c.QueryAsync<string>("SELECT id FROM media WHERE purged_at IS NULL AND expires_at <= @cutoff ORDER BY expires_at LIMIT @limit", new { cutoff, limit = IMediaIndex.ExpiredBatch }),
            cancellationToken).ConfigureAwait(false)).AsList();

    /// <inheritdoc />
    public Task<long> StoredBytesAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(bytes), 0) FROM media WHERE purged_at IS NULL"), cancellationToken);

    /// <inheritdoc />
    public Task MarkPurgedAsync(IReadOnlyList<string> ids, long purgedAt, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(
            (c, tx) => c.ExecuteAsync("UPDATE media SET purged_at = @cutoff WHERE id IN @ids AND purged_at IS NULL", new { cutoff = purgedAt, ids }, tx),
            cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken) =>
        (await db.ReadAsync(
            c => c.QueryAsync<string>("SELECT id FROM media WHERE id IN @ids", new { ids }),
            cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Inserts a media row inside a caller's write transaction (a task image's success takes it with it).</summary>
    // Prepared (SqliteStatement): a task image's success writes one in the same transaction.
    private static readonly SqliteStatement InsertRow = new(
        "INSERT INTO media (id, account_id, mime_type, bytes, width, height, created_at, expires_at) VALUES (@id, @accountId, @mimeType, @bytes, @width, @height, @createdAt, @expiresAt)",
        "id", "accountId", "mimeType", "bytes", "width", "height", "createdAt", "expiresAt");

    internal static int Insert(SqliteConnection c, SqliteTransaction tx, NewMediaRow row) =>
        InsertRow.Execute(c, tx, row.Id, row.AccountId, row.MimeType, row.Bytes, row.Width, row.Height, row.CreatedAt, row.ExpiresAt);
}
