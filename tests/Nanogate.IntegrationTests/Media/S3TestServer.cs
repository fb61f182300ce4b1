namespace Nanogate.IntegrationTests.Media;

/// <summary>
/// The S3-compatible server the S3 media tests run against: s3rver, started by <c>tests/s3.sh</c> (which
/// <c>test.sh</c> sources), whose URL arrives in <c>NANOGATE_TEST_S3</c>. Each test takes its own key prefix
/// in the one bucket, so tests never see each other's objects.
/// </summary>
internal static class S3TestServer
{
    public const string Bucket = "nanogate-test";

    /// <summary>The endpoint URL, or null when no server was started.</summary>
    public static string? Endpoint => Environment.GetEnvironmentVariable("NANOGATE_TEST_S3") is { Length: > 0 } url ? url : null;

    /// <summary>In CI a missing server is a failure, not a skip.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public const string SkipReason =
        "NANOGATE_TEST_S3 is not set: no S3-compatible server to test the s3 media store against. Run `eval \"$(tests/s3.sh start)\"` first (test.sh does it).";

    /// <summary>A fresh key prefix for one test.</summary>
    public static string NewPrefix() => $"t-{Guid.NewGuid():N}/";

    /// <summary>The settings of a Nanogate on the test bucket under <paramref name="prefix"/>.</summary>
    public static string[] Settings(string prefix, params string[] more)
    {
        var endpoint = Endpoint ?? throw new InvalidOperationException("NANOGATE_TEST_S3 must be set when CI=true: start s3rver with tests/s3.sh (test.sh does).");
        return
        [
            "Media:Provider=s3",
            $"Media:S3:ServiceUrl={endpoint}",
            $"Media:S3:Bucket={Bucket}",
            "Media:S3:AccessKey=S3RVER",
            "Media:S3:SecretKey=S3RVER",
            $"Media:S3:Prefix={prefix}",
            .. more,
        ];
    }
}
