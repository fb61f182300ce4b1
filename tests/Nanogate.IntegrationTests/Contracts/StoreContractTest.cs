using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;
using Nanogate.Storage.Media;
using Nanogate.Storage.Tasks;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary>
/// A contract test on a fresh database of one provider: the concrete class (<c>…_on_sqlite</c>,
/// <c>…_on_postgres</c>) picks the harness; the tests use the store interfaces only. <see cref="Store"/> is the
/// first instance, with one account ("alpha", 1000 credits); tests that need a second process start another.
/// </summary>
public abstract class StoreContractTest : IAsyncLifetime
{
    /// <summary>A fixed unix-ms "now" the tests count from (stores never read a clock for these).</summary>
    protected const long T0 = 1_800_000_000_000;

    /// <summary>The database of this test.</summary>
    protected StoreHarness Harness { get; private set; } = null!;

    /// <summary>The first store instance.</summary>
    protected StoreInstance Store { get; private set; } = null!;

    /// <summary>The account "alpha" (1000 credits).</summary>
    protected string AccountId { get; private set; } = null!;

    /// <summary>Shorthand: no test cancels.</summary>
    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>The provider's harness (a new, not yet created database).</summary>
    protected abstract StoreHarness CreateHarness();

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        Harness = CreateHarness();
        try
        {
            await Harness.CreateDatabaseAsync();
            Store = await Harness.StartInstanceAsync();
            AccountId = (await Store.Accounts.CreateAccountAsync("alpha", 1000, Ct)).Id;
        }
        catch
        {
            // xunit does not dispose a test whose initialization failed: drop the database here.
            await Harness.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Harness is not null)
        {
            await Harness.DisposeAsync();
        }
    }

    /// <summary>Submits a task of <paramref name="n"/> images (16:9, 2K) at <paramref name="price"/> credits each; its id.</summary>
    protected async Task<string> SubmitTaskAsync(string accountId, string model, int n, int price, long at, string prompt = "a cat")
    {
        var id = Ids.New("task_");
        var request = $$"""{"prompt":"{{prompt}}","aspect_ratio":"16:9","resolution":"2K","n":{{n}}}""";
        Assert.NotNull(await Store.Tasks.CreateAsync(new NewTask(id, accountId, model, request, "req_x", "http://h", n, price, null, null, null), at, Ct));
        return id;
    }

    /// <summary>Claims every image of the task (it must be the only one queued) and makes the first <paramref name="made"/>; the rest fail.</summary>
    protected async Task FinishTaskAsync(string taskId, string accountId, int made, long at)
    {
        foreach (var claim in await Store.Tasks.ClaimAsync(10, at, at + 30_000, 3, Ct))
        {
            Assert.Equal(taskId, claim.TaskId);
            if (claim.Index < made)
            {
                var media = new NewMediaRow(Ids.New("med_", 24), accountId, "image/png", 1, 1, 1, at, at + 86_400_000);
                await Store.Tasks.SucceedAsync(taskId, claim.Index, claim.Attempt, new ImageSuccess(media.Id, "image/png", 1, 1, null, 1, 1, 1, media), at, Ct);
            }
            else
            {
                await Store.Tasks.FailAsync(taskId, claim.Index, claim.Attempt, "blocked", "No image.", at, Ct);
            }
        }
    }

    /// <summary>Another process on the same database.</summary>
    protected Task<StoreInstance> StartSecondInstanceAsync() => Harness.StartInstanceAsync();
}
