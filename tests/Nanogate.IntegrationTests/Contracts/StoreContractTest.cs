using Nanogate.IntegrationTests.Contracts.Harness;

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

    /// <summary>Another process on the same database.</summary>
    protected Task<StoreInstance> StartSecondInstanceAsync() => Harness.StartInstanceAsync();
}
