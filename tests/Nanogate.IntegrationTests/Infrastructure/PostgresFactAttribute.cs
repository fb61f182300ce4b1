namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>A test that needs the PostgreSQL server of <c>NANOGATE_TEST_POSTGRES</c>; skipped (saying so) when none is configured.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestStorage.PostgresBase is null)
        {
            Skip = "Needs a PostgreSQL server: set NANOGATE_TEST_POSTGRES (e.g. Host=127.0.0.1;Port=5433;Username=postgres).";
        }
    }
}
