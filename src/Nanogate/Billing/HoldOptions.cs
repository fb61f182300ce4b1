using System.ComponentModel.DataAnnotations;

namespace Nanogate.Billing;

/// <summary>How credit holds of requests that never settled are found and released. Bound from <c>Billing</c>.</summary>
internal sealed class HoldOptions
{
    /// <summary>
    /// A request's hold still open after this long is abandoned (its process died, or its settlement failed) and is
    /// released (<c>Billing:AbandonedHoldSeconds</c>). It must outlast the longest request, failovers included:
    /// a settlement after the release captures nothing.
    /// </summary>
    [Range(1, 86_400, ErrorMessage = "Billing:AbandonedHoldSeconds must be between 1 and 86400 and more than Upstreams:TimeoutSeconds (it must outlast the longest request).")]
    public int AbandonedHoldSeconds { get; set; } = 1800;

    /// <summary>How often each process looks for abandoned holds (<c>Billing:HoldSweepSeconds</c>).</summary>
    [Range(1, 3600, ErrorMessage = "Billing:HoldSweepSeconds must be between 1 and 3600.")]
    public int HoldSweepSeconds { get; set; } = 60;
}
