using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Nanogate.Hosting;
using Nanogate.Operations;
using Nanogate.Storage.Reports;

namespace Nanogate.Admin;

/// <summary>
/// <c>GET /admin/v1/usage</c>: with <c>bucket</c> (or <c>from</c>, <c>to</c>, <c>group_by</c>, <c>format</c>), usage over
/// time in hour or day buckets, grouped by account, key, model and channel, as JSON or CSV; without them, the summary
/// per account and model and per channel over <c>days</c> that the console has always read. Usage older than
/// <c>Retention:UsageDays</c> is rolled up by UTC day (totals unchanged): hour buckets reaching before it are refused.
/// </summary>
internal static class AdminUsageEndpoints
{
    /// <summary>At most this many buckets in one answer (about 13 months of hours, 27 years of days).</summary>
    public const int MaxBuckets = 10_000;

    private static readonly (string Name, UsageGroups Flag)[] Dimensions =
        [("account", UsageGroups.Account), ("key", UsageGroups.Key), ("model", UsageGroups.Model), ("channel", UsageGroups.Channel)];

    /// <summary>Maps the route on the admin group.</summary>
    public static RouteGroupBuilder MapAdminUsageRoutes(this RouteGroupBuilder admin)
    {
        admin.MapGet("/usage", UsageAsync)
            .Produces<UsageBucketsBody>(200, "application/json", "text/csv");
        return admin;
    }

    private static async Task<IResult> UsageAsync(
        HttpContext context, IAdminReports reports, TimeProvider time, IOptions<RetentionOptions> retention, int? days, string? bucket, string? from, string? to, string? group_by, string? format)
    {
        if (days is < 1 or > 3660)
        {
            return ApiError.Invalid("days must be between 1 and 3660.", "days");
        }

        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
            || (format is null && context.Request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase));
        if (format is not null && !csv && !string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            return ApiError.Invalid("format must be \"json\" or \"csv\".", "format");
        }

        if (bucket is null && from is null && to is null && group_by is null && format is null && !csv)
        {
            return await SummaryAsync(context, reports, time, days ?? 30).ConfigureAwait(false);
        }

        var width = (bucket ?? "day").ToLowerInvariant() switch
        {
            "hour" => UsageBucket.Hour,
            "day" => UsageBucket.Day,
            _ => (UsageBucket?)null,
        };
        if (width is not { } w)
        {
            return ApiError.Invalid("bucket must be \"hour\" or \"day\".", "bucket");
        }

        var now = time.GetUtcNow();
        if (!TryTime(to, "to", now, out var end, out var error) || !TryTime(from, "from", end.AddDays(-(days ?? 30)), out var start, out error))
        {
            return error!;
        }

        if (from is not null && days is not null)
        {
            return ApiError.Invalid("Send either from (with to) or days, not both.", "days");
        }

        if (start >= end)
        {
            return ApiError.Invalid($"from ({start.UtcDateTime:O}) must be before to ({end.UtcDateTime:O}).", "from");
        }

        var bucketWidth = w == UsageBucket.Hour ? TimeSpan.FromHours(1) : TimeSpan.FromDays(1);
        if ((end - start) / bucketWidth > MaxBuckets)
        {
            return ApiError.Invalid($"That window holds more than {MaxBuckets} {(w == UsageBucket.Hour ? "hours" : "days")}: narrow from/to, or use bucket=day.", "from");
        }

        // Usage older than Retention:UsageDays is kept by UTC day only (RetentionSweeper rolls it up).
        if (w == UsageBucket.Hour && retention.Value.HourlyUsageSince(now) is { } hourly && start < hourly)
        {
            return ApiError.Invalid(
                string.Create(CultureInfo.InvariantCulture, $"Hour buckets are kept for {retention.Value.UsageDays} days (Retention:UsageDays): usage before {hourly.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} is kept by day only. Use bucket=day, or a from on or after that time."),
                from is null ? "days" : "from");
        }

        var groups = UsageGroups.None;
        var groupNames = new List<string>();
        foreach (var part in (group_by ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var dim = Dimensions.FirstOrDefault(d => string.Equals(d.Name, part, StringComparison.OrdinalIgnoreCase));
            if (dim.Name is null)
            {
                return ApiError.Invalid($"group_by takes a comma list of account, key, model and channel; \"{part}\" is not one.", "group_by");
            }

            if (!groups.HasFlag(dim.Flag))
            {
                groups |= dim.Flag;
                groupNames.Add(dim.Name);
            }
        }

        var rows = await reports.UsageBucketsAsync(
            new UsageQuery(start.ToUnixTimeMilliseconds(), end.ToUnixTimeMilliseconds(), w, groups), context.RequestAborted).ConfigureAwait(false);
        var data = rows.Select(r => new UsageBucketBody(
            DateTimeOffset.FromUnixTimeMilliseconds(r.BucketStart), r.AccountId, r.AccountName, r.KeyId, r.Model, r.Channel, r.Requests, r.Images, r.CreditsCharged, r.CreditsRefunded)).ToList();
        var bucketName = w == UsageBucket.Hour ? "hour" : "day";
        if (csv)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"nanogate-usage-{bucketName}-{start.UtcDateTime:yyyyMMdd'T'HHmm}-{end.UtcDateTime:yyyyMMdd'T'HHmm}.csv");
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{name}\"";
            return Results.Text(Csv(data), "text/csv; charset=utf-8", Encoding.UTF8);
        }

        var totals = new UsageTotalsBody(data.Sum(d => d.Requests), data.Sum(d => d.Images), data.Sum(d => d.CreditsCharged), data.Sum(d => d.CreditsRefunded));
        return Results.Json(new UsageBucketsBody("usage", bucketName, start, end, groupNames, data, totals), AdminKeysJsonContext.Default.UsageBucketsBody);
    }

    private static bool TryTime(string? text, string name, DateTimeOffset fallback, out DateTimeOffset value, out IResult? error)
    {
        error = null;
        value = fallback;
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value))
        {
            return true;
        }

        error = ApiError.Invalid($"{name} must be an ISO 8601 time such as 2026-11-01 or 2026-11-01T00:00:00Z; got \"{text}\".", name);
        return false;
    }

    /// <summary>
    /// RFC 4180 CSV: a header row, then one row per bucket; times ISO 8601 UTC. account_name is the last column, so
    /// sheets that read the columns by position before it was added read the same columns.
    /// </summary>
    private static string Csv(IReadOnlyList<UsageBucketBody> data)
    {
        var csv = new StringBuilder("bucket_start,account_id,key_id,model,channel,requests,images,credits_charged,credits_refunded,account_name\r\n");
        foreach (var d in data)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{d.BucketStart.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},{Field(d.AccountId)},{Field(d.KeyId)},{Field(d.Model)},{Field(d.Channel)},")
                .Append(CultureInfo.InvariantCulture, $"{d.Requests},{d.Images},{d.CreditsCharged},{d.CreditsRefunded},{Field(d.AccountName)}\r\n");
        }

        return csv.ToString();
    }

    /// <summary>A text field: quoted when it holds a comma, quote or line break; a leading = + - @ is defused for spreadsheets.</summary>
    private static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static async Task<IResult> SummaryAsync(HttpContext context, IAdminReports reports, TimeProvider time, int window)
    {
        var since = time.GetUtcNow().AddDays(-window).ToUnixTimeMilliseconds();
        var usage = await reports.UsageAsync(since, context.RequestAborted).ConfigureAwait(false);
        var rows = usage.Select(u => new
        {
            account_id = u.AccountId,
            account_name = u.AccountName,
            model = u.Model,
            requests = u.Requests,
            credits_charged = u.CreditsCharged,
            credits_refunded = u.CreditsRefunded,
            task_images_succeeded = u.TaskImagesSucceeded,
            task_images_failed = u.TaskImagesFailed,
        }).ToList();

        var channels = (await reports.ChannelUsageAsync(since, context.RequestAborted).ConfigureAwait(false))
            .Select(c => new { channel = c.Channel, task_images_succeeded = c.TaskImagesSucceeded, requests = c.Requests, credits_charged = c.CreditsCharged }).ToList();
        return Results.Json(new { @object = "list", days = window, data = rows, by_channel = channels }, JsonDefaults.Snake);
    }
}
