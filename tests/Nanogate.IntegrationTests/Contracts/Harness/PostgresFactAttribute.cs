namespace Nanogate.IntegrationTests.Contracts.Harness;

/// <summary>
/// A test that only makes sense on PostgreSQL (several processes on one server): skipped, with the reason, when
/// no test server is configured, but run (and failing) in CI.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from <see cref="PostgresTestServer.SkipReason"/>.</summary>
    public PostgresFactAttribute()
    {
        if (PostgresTestServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
