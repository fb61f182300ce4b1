using Nanogate.Storage.Sqlite;

namespace Nanogate.IntegrationTests.Storage;

/// <summary>A store test on a real, migrated SQLite file in a fresh folder, with one account ("alpha"); the folder goes afterwards.</summary>
public abstract class SqliteStoreTest : IAsyncLifetime
{
    protected const long T0 = 1_800_000_000_000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nanogate-tests", "storage-" + Guid.NewGuid().ToString("N"));

    protected SqliteDatabase Db { get; private set; } = null!;

    protected SqliteAccountStore Accounts { get; private set; } = null!;

    protected string AccountId { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Db = new SqliteDatabase(_dir);
        await new SqliteStorage(Db).MigrateAsync(CancellationToken.None);
        Accounts = new SqliteAccountStore(Db, TimeProvider.System);
        AccountId = (await Accounts.CreateAccountAsync("alpha", 1000, CancellationToken.None)).Id;
    }

    public Task DisposeAsync()
    {
        Db.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }
}
