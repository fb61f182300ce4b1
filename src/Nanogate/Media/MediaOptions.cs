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

    /// <summary>The lifetime as a <see cref="TimeSpan"/>.</summary>
    public TimeSpan LinkTtl => TimeSpan.FromHours(LinkTtlHours);
}
