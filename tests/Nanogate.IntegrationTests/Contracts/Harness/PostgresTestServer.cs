namespace Nanogate.IntegrationTests.Contracts.Harness;

/// <summary>
/// The PostgreSQL server the tests may use: its base connection string comes from <c>NANOGATE_TEST_POSTGRES</c>
/// (test.sh starts a throwaway server and sets it). Without it the PostgreSQL tests are skipped, except in CI,
/// where a missing server must fail the run instead of quietly testing one provider.
/// </summary>
public static class PostgresTestServer
{
    /// <summary>The environment variable holding the base connection string (no database name).</summary>
    public const string Variable = "NANOGATE_TEST_POSTGRES";

    /// <summary>The base connection string, or null when none is configured.</summary>
    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Whether this is a CI run (<c>CI=true</c>), where nothing may be skipped for want of a tool.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why PostgreSQL tests are skipped, or null when they run (a server is configured, or this is CI and they must fail without one).</summary>
    public static string? SkipReason => ConnectionString is null && !InCi
        ? $"{Variable} is not set (test.sh starts a throwaway PostgreSQL server and sets it)."
        : null;

    /// <summary>The base connection string; throws (failing the test) when none is configured.</summary>
    public static string RequireConnectionString() =>
        ConnectionString ?? throw new InvalidOperationException(
            $"{Variable} is not set{(InCi ? " and CI=true: the PostgreSQL contract tests must run in CI, not be skipped" : "")}.");
}
