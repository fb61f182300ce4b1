using System.ComponentModel.DataAnnotations;

namespace Nanogate.Media;

/// <summary>The <c>Media</c> configuration section.</summary>
internal sealed class MediaOptions
{
    /// <summary>How long generated images and their links live, in hours (<c>Media:LinkTtlHours</c>; fractions allowed).</summary>
    [Range(0.0001, 8760, ErrorMessage = "Media:LinkTtlHours must be between 0.0001 and 8760.")]
    public double LinkTtlHours { get; set; } = 24;

    /// <summary>How often expired media is purged, in seconds (<c>Media:SweepIntervalSeconds</c>).</summary>
    [Range(1, 86_400, ErrorMessage = "Media:SweepIntervalSeconds must be between 1 and 86400.")]
    public int SweepIntervalSeconds { get; set; } = 60;

    /// <summary>
    /// How often files without a row are looked for, in minutes (<c>Media:OrphanSweepMinutes</c>); only
    /// files older than this are touched, so an image being registered is never taken.
    /// </summary>
    [Range(1, 10_080, ErrorMessage = "Media:OrphanSweepMinutes must be between 1 and 10080.")]
    public int OrphanSweepMinutes { get; set; } = 60;

    /// <summary>
    /// Write image files with <c>O_DIRECT</c> (Linux), bypassing the page cache (<c>Media:DirectWrites</c>,
    /// default true). Ignored, with a fallback to normal writes, where the file system refuses it.
    /// </summary>
    public bool DirectWrites { get; set; } = true;

    /// <summary>The lifetime as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan LinkTtl => TimeSpan.FromHours(LinkTtlHours);
}
