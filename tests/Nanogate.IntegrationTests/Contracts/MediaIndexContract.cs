using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage.Media;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary><see cref="IMediaIndex"/>: rows read back as written, expire in batches and keep their first purge time.</summary>
public abstract class MediaIndexContract : StoreContractTest
{
    private NewMediaRow Row(string id, long expiresAt) => new(id, AccountId, "image/webp", 4096, 1024, 768, T0, expiresAt);

    [ContractFact]
    public async Task A_row_reads_back_as_inserted_and_an_unknown_id_is_null()
    {
        await Store.Media.InsertAsync(Row("med_one", T0 + 60_000), Ct);

        Assert.Equal(new MediaRow("med_one", AccountId, "image/webp", 4096, 1024, 768, T0, T0 + 60_000, null), await Store.Media.FindAsync("med_one", Ct));
        Assert.Null(await Store.Media.FindAsync("med_none", Ct));
    }

    [ContractFact]
    public async Task Expired_rows_are_listed_until_marked_purged_and_a_purge_time_is_never_overwritten()
    {
        await Store.Media.InsertAsync(Row("med_a", T0 + 10), Ct);
        await Store.Media.InsertAsync(Row("med_b", T0 + 20), Ct);
        await Store.Media.InsertAsync(Row("med_c", T0 + 30), Ct);

        Assert.Equal(["med_a", "med_b"], (await Store.Media.ListExpiredAsync(T0 + 20, Ct)).Order());

        await Store.Media.MarkPurgedAsync(["med_a"], T0 + 20, Ct);
        await Store.Media.MarkPurgedAsync(["med_a", "med_b"], T0 + 25, Ct);

        Assert.Equal(["med_c"], await Store.Media.ListExpiredAsync(T0 + 100, Ct));
        Assert.Equal(T0 + 20, (await Store.Media.FindAsync("med_a", Ct))!.PurgedAt);
        Assert.Equal(T0 + 25, (await Store.Media.FindAsync("med_b", Ct))!.PurgedAt);
    }

    [ContractFact]
    public async Task Expired_rows_come_in_batches_of_at_most_a_thousand()
    {
        // Inserted a few at a time through the contract; the order of arrival does not matter.
        foreach (var chunk in Enumerable.Range(0, IMediaIndex.ExpiredBatch + 1).Chunk(50))
        {
            await Task.WhenAll(chunk.Select(i => Store.Media.InsertAsync(Row($"med_{i:D4}", T0), Ct)));
        }

        var first = await Store.Media.ListExpiredAsync(T0, Ct);
        Assert.Equal(IMediaIndex.ExpiredBatch, first.Count);
        Assert.Equal(IMediaIndex.ExpiredBatch, first.Distinct().Count());

        await Store.Media.MarkPurgedAsync(first, T0, Ct);
        Assert.Single(await Store.Media.ListExpiredAsync(T0, Ct));
    }

    [ContractFact]
    public async Task Only_the_ids_with_a_row_are_found()
    {
        await Store.Media.InsertAsync(Row("med_x", T0), Ct);
        await Store.Media.InsertAsync(Row("med_y", T0), Ct);

        var found = await Store.Media.FindExistingAsync(["med_x", "med_orphan", "med_y"], Ct);

        Assert.Equal(["med_x", "med_y"], found.Order());
        Assert.Empty(await Store.Media.FindExistingAsync([], Ct));
    }
}
