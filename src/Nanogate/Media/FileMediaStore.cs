using System.Security.Cryptography;
using Dapper;
using Microsoft.Extensions.Options;
using Nanogate.Storage;
using Nanogate.Storage.Sqlite;

namespace Nanogate.Media;

/// <summary>
/// Media as files under <c>{Storage:DataDirectory}/media/</c> with a row per image in the <c>media</c>
/// table. A file is written under a temporary name and renamed into place, so a reader never sees
/// half an image; the row is inserted after the rename, so a row always has its file until purged.
/// </summary>
internal sealed class FileMediaStore(SqliteDatabase db, IOptions<StorageOptions> storage, IOptions<MediaOptions> options, TimeProvider time) : IMediaStore
{
    private const string Columns = "id AS Id, account_id AS AccountId, mime_type AS MimeType, bytes AS Bytes, width AS Width, height AS Height, sha256 AS Sha256, created_at AS CreatedAt, expires_at AS ExpiresAt, purged_at AS PurgedAt";

    private readonly string _root = Path.GetFullPath(Path.Combine(storage.Value.DataDirectory, "media"));

    /// <inheritdoc />
    public async Task<StoredMedia> SaveAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken)
    {
        var media = await WriteFileAsync(accountId, data, mimeType, width, height, cancellationToken).ConfigureAwait(false);
        await db.WriteAsync(
            (c, tx) => c.ExecuteAsync(
                "INSERT INTO media (id, account_id, mime_type, bytes, width, height, sha256, created_at, expires_at) VALUES (@Id, @AccountId, @MimeType, @Bytes, @Width, @Height, @Sha256, @created, @expires)",
                new { media.Id, media.AccountId, media.MimeType, media.Bytes, media.Width, media.Height, media.Sha256, created = media.CreatedAt.ToUnixTimeMilliseconds(), expires = media.ExpiresAt.ToUnixTimeMilliseconds() },
                tx),
            cancellationToken).ConfigureAwait(false);
        return media;
    }

    /// <inheritdoc />
    public void DeleteFile(StoredMedia media) => TryDelete(PathOf(media.Id));

    /// <inheritdoc />
    public async Task<StoredMedia> WriteFileAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken)
    {
        var id = Ids.New("med_", 24);
        var sha = Convert.ToHexStringLower(SHA256.HashData(data.Span));
        var path = PathOf(id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, path);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        var now = time.GetUtcNow();
        return new StoredMedia(id, accountId, mimeType, data.Length, width, height, sha, now, now + options.Value.LinkTtl, null);
    }

    /// <inheritdoc />
    public async Task<StoredMedia?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var row = await db.ReadAsync(
            c => c.QuerySingleOrDefaultAsync<MediaRow>($"SELECT {Columns} FROM media WHERE id = @id", new { id }),
            cancellationToken).ConfigureAwait(false);
        return row?.ToMedia();
    }

    /// <inheritdoc />
    public Stream? OpenRead(StoredMedia media)
    {
        if (media.PurgedAt is not null)
        {
            return null;
        }

        try
        {
            return new FileStream(PathOf(media.Id), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = now.ToUnixTimeMilliseconds();
        var ids = (await db.ReadAsync(
            c => c.QueryAsync<string>("SELECT id FROM media WHERE purged_at IS NULL AND expires_at <= @cutoff LIMIT 1000", new { cutoff }),
            cancellationToken).ConfigureAwait(false)).ToList();
        if (ids.Count == 0)
        {
            return 0;
        }

        // Files first: a row marked purged whose file survived would leak disk; a deleted file whose
        // row is not yet marked only answers 410 one sweep early (it is expired either way).
        foreach (var id in ids)
        {
            TryDelete(PathOf(id));
        }

        await db.WriteAsync(
            (c, tx) => c.ExecuteAsync("UPDATE media SET purged_at = @cutoff WHERE id IN @ids AND purged_at IS NULL", new { cutoff, ids }, tx),
            cancellationToken).ConfigureAwait(false);
        return ids.Count;
    }

    private string PathOf(string id)
    {
        // Ids are base62 after the prefix; two characters of fan-out keep directories small.
        var shard = id.Length > 6 ? id.Substring(4, 2) : "00";
        return Path.Combine(_root, shard, id);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record MediaRow(string Id, string AccountId, string MimeType, long Bytes, long Width, long Height, string Sha256, long CreatedAt, long ExpiresAt, long? PurgedAt)
    {
        public StoredMedia ToMedia() => new(Id, AccountId, MimeType, Bytes, (int)Width, (int)Height, Sha256,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAt),
            PurgedAt is { } p ? DateTimeOffset.FromUnixTimeMilliseconds(p) : null);
    }
}
