using System.ComponentModel.DataAnnotations;

namespace Nanogate.Media;

/// <summary>The <c>Media</c> configuration section.</summary>
internal sealed class MediaOptions
{
    /// <summary>
    /// Where the bytes live (<c>Media:Provider</c>): <c>files</c> (one folder, <see cref="Directory"/>; several
    /// processes may share it on a shared volume) or <c>s3</c> (a bucket of any S3-compatible store, <c>Media:S3:*</c>).
    /// </summary>
    [RegularExpression("^(?i)(files|s3)$", ErrorMessage = "Media:Provider must be 'files' or 's3'.")]
    public string Provider { get; set; } = "files";

    /// <summary>The folder of the <c>files</c> provider (<c>Media:Directory</c>); by default <c>{Storage:DataDirectory}/media</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>The full path of the <c>files</c> provider's folder: <see cref="Directory"/>, or <c>media</c> under <paramref name="dataDirectory"/>.</summary>
    public string FilesDirectory(string dataDirectory) =>
        Path.GetFullPath(Directory is { Length: > 0 } folder ? folder : Path.Combine(dataDirectory, "media"));

    /// <summary>How long generated images and their links live, in hours (<c>Media:LinkTtlHours</c>; fractions allowed).</summary>
    [Range(0.0001, 8760, ErrorMessage = "Media:LinkTtlHours must be between 0.0001 and 8760.")]
    public double LinkTtlHours { get; set; } = 24;

    /// <summary>How often expired media is purged, in seconds (<c>Media:SweepIntervalSeconds</c>).</summary>
    [Range(1, 86_400, ErrorMessage = "Media:SweepIntervalSeconds must be between 1 and 86400.")]
    public int SweepIntervalSeconds { get; set; } = 60;

    /// <summary>How often blobs without a row are looked for, in minutes (<c>Media:OrphanSweepMinutes</c>).</summary>
    [Range(1, 10_080, ErrorMessage = "Media:OrphanSweepMinutes must be between 1 and 10080.")]
    public int OrphanSweepMinutes { get; set; } = 60;

    /// <summary>
    /// How old a blob without a row must be before the orphan sweep deletes it, in minutes
    /// (<c>Media:OrphanGraceMinutes</c>): a younger one may belong to a process (this or another sharing the
    /// store) that has written it and is about to commit its row.
    /// </summary>
    [Range(1, 10_080, ErrorMessage = "Media:OrphanGraceMinutes must be between 1 and 10080.")]
    public int OrphanGraceMinutes { get; set; } = 60;

    /// <summary>
    /// Write image files with <c>O_DIRECT</c> (Linux), bypassing the page cache (<c>Media:DirectWrites</c>,
    /// default true). Ignored, with a fallback to normal writes, where the file system refuses it.
    /// </summary>
    public bool DirectWrites { get; set; } = true;

    /// <summary>
    /// The most bytes of unexpired-or-unpurged media the store may hold (<c>Media:MaxBytes</c>; 0, the default, means no
    /// bound beyond the disk's). A write that would pass it first purges expired media, oldest first; if that frees too
    /// little, the write is refused as full (507 <c>storage_full</c>, nothing charged). With several processes sharing the
    /// store the bound is approximate by what they wrote within <see cref="QuotaRefreshSeconds"/>.
    /// </summary>
    [Range(0, long.MaxValue, ErrorMessage = "Media:MaxBytes must be 0 (no bound) or a positive number of bytes.")]
    public long MaxBytes { get; set; }

    /// <summary>How often the stored total behind <see cref="MaxBytes"/> is re-read from the database, in seconds (<c>Media:QuotaRefreshSeconds</c>).</summary>
    [Range(1, 3600, ErrorMessage = "Media:QuotaRefreshSeconds must be between 1 and 3600.")]
    public int QuotaRefreshSeconds { get; set; } = 5;

    /// <summary>The lifetime as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan LinkTtl => TimeSpan.FromHours(LinkTtlHours);
}
