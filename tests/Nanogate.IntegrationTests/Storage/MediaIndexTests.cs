using Nanogate.Storage.Media;
using Nanogate.Storage.Sqlite;

namespace Nanogate.IntegrationTests.Storage;

public sealed class MediaIndexTests : SqliteStoreTest
{
    private SqliteMediaIndex _index = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _index = new SqliteMediaIndex(Db);
    }

    private NewMediaRow Row(string id, long expiresAt) => new(id, AccountId, "image/webp", 4096, 1024, 768, T0, expiresAt);

    [Fact]
    public async Task A_row_reads_back_as_inserted_and_an_unknown_id_is_null()
    {
        await _index.InsertAsync(Row("med_one", T0 + 60_000), CancellationToken.None);

        Assert.Equal(new MediaRow("med_one", AccountId, "image/webp", 4096, 1024, 768, T0, T0 + 60_000, null), await _index.FindAsync("med_one", CancellationToken.None));
        Assert.Null(await _index.FindAsync("med_none", CancellationToken.None));
    }

    [Fact]
    public async Task Expired_rows_are_listed_until_marked_purged_and_a_purge_time_is_never_overwritten()
    {
        await _index.InsertAsync(Row("med_a", T0 + 10), CancellationToken.None);
        await _index.InsertAsync(Row("med_b", T0 + 20), CancellationToken.None);
        await _index.InsertAsync(Row("med_c", T0 + 30), CancellationToken.None);

        Assert.Equal(["med_a", "med_b"], (await _index.ListExpiredAsync(T0 + 20, CancellationToken.None)).Order());

        await _index.MarkPurgedAsync(["med_a"], T0 + 20, CancellationToken.None);
        await _index.MarkPurgedAsync(["med_a", "med_b"], T0 + 25, CancellationToken.None);

        Assert.Equal(["med_c"], await _index.ListExpiredAsync(T0 + 100, CancellationToken.None));
        Assert.Equal(T0 + 20, (await _index.FindAsync("med_a", CancellationToken.None))!.PurgedAt);
        Assert.Equal(T0 + 25, (await _index.FindAsync("med_b", CancellationToken.None))!.PurgedAt);
    }

    [Fact]
    public async Task Expired_rows_come_in_batches_of_at_most_a_thousand()
    {
        await Db.WriteAsync(async (c, tx) =>
        {
            for (var i = 0; i < 1001; i++)
            {
                await SqliteMediaIndex.InsertAsync(c, tx, Row($"med_{i:D4}", T0));
            }

            return 0;
        });

        Assert.Equal(1000, (await _index.ListExpiredAsync(T0, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Only_the_ids_with_a_row_are_found()
    {
        await _index.InsertAsync(Row("med_x", T0), CancellationToken.None);
        await _index.InsertAsync(Row("med_y", T0), CancellationToken.None);

        var found = await _index.FindExistingAsync(["med_x", "med_orphan", "med_y"], CancellationToken.None);

        Assert.Equal(["med_x", "med_y"], found.Order());
    }
}
