using System.ComponentModel.DataAnnotations;

namespace Nanogate.Operations;

/// <summary>How long task records and usage detail are kept. Bound from <c>Retention</c>.</summary>
internal sealed class RetentionOptions
{
    /// <summary>The fewest days of usage detail that may be kept (see <see cref="UsageDays"/>).</summary>
    public const int MinUsageDays = 35;

    /// <summary>
    /// Tasks that ended more than this many days ago are deleted, with their image rows and webhook deliveries
    /// (<c>Retention:TaskDays</c>; 0 keeps them for ever). Usage and the ledger are kept: they live on the reservations.
    /// </summary>
    [Range(0, 36_500, ErrorMessage = "Retention:TaskDays must be between 0 (keep for ever) and 36500.")]
    public int TaskDays { get; set; } = 90;

    /// <summary>
    /// Usage detail (one reservation per billed request, hour by hour) older than this many days is rolled up into daily
    /// totals per account, key, model and channel and deleted (<c>Retention:UsageDays</c>; 0 keeps it for ever). Usage
    /// totals are unchanged; hour buckets older than this are no longer available. At least
    /// <see cref="MinUsageDays"/>: a key's monthly spending cap sums its reservations of the current month.
    /// </summary>
    [Range(0, 36_500, ErrorMessage = "Retention:UsageDays must be 0 (keep for ever) or between 35 and 36500.")]
    public int UsageDays { get; set; } = 400;

    /// <summary>How often each process sweeps (<c>Retention:SweepMinutes</c>).</summary>
    [Range(1, 1440, ErrorMessage = "Retention:SweepMinutes must be between 1 and 1440.")]
    public int SweepMinutes { get; set; } = 60;

    /// <summary>
    /// The start of the oldest hour bucket usage still has at <paramref name="now"/>, or null when usage detail is kept
    /// for ever: before it, reservations may have been rolled up by day.
    /// </summary>
    public DateTimeOffset? HourlyUsageSince(DateTimeOffset now) => UsageDays == 0 ? null : now.AddDays(-UsageDays);

    /// <summary>
    /// Reservations made before this (unix ms) are rolled up: the start of the UTC day <see cref="UsageDays"/> before
    /// <paramref name="now"/>, so a day is rolled up whole and never earlier than <see cref="HourlyUsageSince"/>.
    /// </summary>
    public long UsageRollupBefore(DateTimeOffset now)
    {
        var cutoff = now.AddDays(-UsageDays).ToUnixTimeMilliseconds();
        return cutoff - (cutoff % Nanogate.Storage.Retention.UsageRollupSql.Day);
    }
}
