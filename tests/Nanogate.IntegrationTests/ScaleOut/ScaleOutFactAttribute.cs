namespace Nanogate.IntegrationTests.ScaleOut;

/// <summary>
/// A test that needs a PostgreSQL server (<c>NANOGATE_TEST_POSTGRES</c>, started by <c>tests/postgres.sh</c>) and
/// nginx. Skipped with the reason when either is missing, except in CI (<c>CI=true</c>), where it runs and fails.
/// </summary>
public sealed class ScaleOutFactAttribute : FactAttribute
{
    public ScaleOutFactAttribute()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NANOGATE_TEST_POSTGRES")))
        {
            Skip = "NANOGATE_TEST_POSTGRES is not set (./test.sh starts a PostgreSQL server and sets it)";
        }
        else if (NginxBalancer.Find() is null)
        {
            Skip = "nginx is not installed (./test.sh installs it: apt-get install -y nginx)";
        }
    }
}
