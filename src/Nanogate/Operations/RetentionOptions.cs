using System.ComponentModel.DataAnnotations;

namespace Nanogate.Operations;

/// <summary>How long task records are kept. Bound from <c>Retention</c>.</summary>
internal sealed class RetentionOptions
{
    /// <summary>
    /// Tasks that ended more than this many days ago are deleted, with their image rows and webhook deliveries
    /// (<c>Retention:TaskDays</c>; 0 keeps them for ever). Usage and the ledger are kept: they live on the reservations.
    /// </summary>
    [Range(0, 36_500, ErrorMessage = "Retention:TaskDays must be between 0 (keep for ever) and 36500.")]
    public int TaskDays { get; set; } = 90;

    /// <summary>How often each process sweeps (<c>Retention:SweepMinutes</c>).</summary>
    [Range(1, 1440, ErrorMessage = "Retention:SweepMinutes must be between 1 and 1440.")]
    public int SweepMinutes { get; set; } = 60;
}
