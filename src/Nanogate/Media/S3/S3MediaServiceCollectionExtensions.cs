using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Options;

namespace Nanogate.Media.S3;

/// <summary>Registers <c>Media:Provider=s3</c>; the only place outside this folder's classes that knows the AWS SDK.</summary>
internal static class S3MediaServiceCollectionExtensions
{
    /// <summary>Binds and validates <c>Media:S3</c> and registers the bucket as the media blob store.</summary>
    public static IServiceCollection AddS3MediaBlobs(this IServiceCollection services)
    {
        services.AddOptions<S3MediaOptions>().BindConfiguration("Media:S3")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Bucket), "Media:Provider=s3 needs Media:S3:Bucket (an existing bucket).")
            .Validate(o => !o.IsCustomEndpoint || (Uri.TryCreate(o.ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"),
                "Media:S3:ServiceUrl must be an absolute http(s) URL, e.g. https://minio.internal:9000 (or empty for AWS S3).")
            .Validate(o => string.IsNullOrEmpty(o.AccessKey) == string.IsNullOrEmpty(o.SecretKey),
                "Media:S3:AccessKey and Media:S3:SecretKey go together: set both, or neither for the default AWS credential chain.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Region), "Media:S3:Region must not be empty (us-east-1 suits most S3-compatible stores, auto suits R2).")
            .Validate(o => o.Prefix.Length == 0 || o.Prefix.EndsWith('/'), "Media:S3:Prefix must end with '/' (e.g. nanogate/).")
            .ValidateOnStart();
        services.AddSingleton<IAmazonS3>(sp => CreateClient(sp.GetRequiredService<IOptions<S3MediaOptions>>().Value));
        services.AddSingleton<IMediaBlobStore, S3BlobStore>();
        return services;
    }

    /// <summary>A client for the configured store (tests make a second one to act as another process).</summary>
    internal static AmazonS3Client CreateClient(S3MediaOptions options)
    {
        var config = new AmazonS3Config
        {
            AuthenticationRegion = options.Region,
            ForcePathStyle = options.ForcePathStyle ?? options.IsCustomEndpoint,
            Timeout = TimeSpan.FromSeconds(30),
            MaxErrorRetry = 2,
        };
        if (options.IsCustomEndpoint)
        {
            config.ServiceURL = options.ServiceUrl;

            // The SDK's default CRC checksums on every request and response are rejected by many
            // S3-compatible stores (R2, GCS interop, Ceph, older MinIO, test servers): only when the API requires them.
            config.RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED;
            config.ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}
