namespace Nanogate.Media.S3;

/// <summary>The <c>Media:S3</c> configuration section: the bucket of <c>Media:Provider=s3</c>.</summary>
internal sealed class S3MediaOptions
{
    /// <summary>
    /// The endpoint of an S3-compatible store (<c>Media:S3:ServiceUrl</c>, e.g. <c>https://minio.internal:9000</c>
    /// or <c>https://{account}.r2.cloudflarestorage.com</c>); empty means AWS S3 itself in <see cref="Region"/>.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The bucket (<c>Media:S3:Bucket</c>, required); it must exist.</summary>
    public string? Bucket { get; set; }

    /// <summary>The signing region (<c>Media:S3:Region</c>); most S3-compatible stores accept <c>us-east-1</c>, R2 wants <c>auto</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>The access key id (<c>Media:S3:AccessKey</c>); empty means the SDK's default credential chain (environment, instance role).</summary>
    public string? AccessKey { get; set; }

    /// <summary>The secret key (<c>Media:S3:SecretKey</c>), with <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Address the bucket in the path (<c>{ServiceUrl}/{bucket}/{key}</c>) instead of the host name
    /// (<c>Media:S3:ForcePathStyle</c>); most self-hosted stores need this. Default true when
    /// <see cref="ServiceUrl"/> is set, false for AWS.
    /// </summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>A key prefix, so a bucket can be shared (<c>Media:S3:Prefix</c>, e.g. <c>nanogate/</c>; default none).</summary>
    public string Prefix { get; set; } = "";

    /// <summary>
    /// Hand out presigned GET links of the bucket (<c>Media:S3:PresignedLinks</c>): the Nanogate link then
    /// answers 302 to one, so the bytes never pass through Nanogate. Default false: Nanogate streams them.
    /// </summary>
    public bool PresignedLinks { get; set; }

    /// <summary>True for a store that is not AWS S3 itself.</summary>
    public bool IsCustomEndpoint => !string.IsNullOrWhiteSpace(ServiceUrl);
}
