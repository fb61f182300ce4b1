using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.IntegrationTests.Media;

namespace Nanogate.IntegrationTests.StorageCopy;

/// <summary>A test that needs both the PostgreSQL and the S3 test servers: skipped with the reason when either is missing, except in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresAndS3FactAttribute : FactAttribute
{
    public PostgresAndS3FactAttribute()
    {
        if (PostgresTestServer.SkipReason is { } reason)
        {
            Skip = reason;
        }
        else if (S3TestServer.Endpoint is null && !S3TestServer.InCi)
        {
            Skip = S3TestServer.SkipReason;
        }
    }
}
