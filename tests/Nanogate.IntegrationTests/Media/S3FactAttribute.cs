namespace Nanogate.IntegrationTests.Media;

/// <summary>A test that needs the S3 test server: skipped with the reason when there is none, except in CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (S3TestServer.Endpoint is null && !S3TestServer.InCi)
        {
            Skip = S3TestServer.SkipReason;
        }
    }
}
