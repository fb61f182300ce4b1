namespace Nanogate.Storage.Reports;

/// <summary>
/// The usage statement both providers run (standard SQL over the reservations and the daily roll-up of those retention
/// deleted; bucket width in ms). A roll-up row counts at the start of its UTC day: a window that starts or ends inside
/// a rolled-up day counts that day whole or not at all (by its start), and hour buckets exist only where the
/// reservations are still kept.
/// </summary>
public static class UsageSql
{
    /// <summary>
    /// The statement for <paramref name="query"/>, with parameters <c>@from</c>, <c>@to</c> and <c>@width</c>; columns in the
    /// order of <see cref="UsageBucketRow"/>, the account's name last. <paramref name="text"/> and <paramref name="wholeNumber"/> are the provider's type names (a null dimension is cast to text, the sums to a 64-bit integer).
    /// </summary>
    public static string For(UsageQuery query, string text, string wholeNumber)
    {
        ArgumentNullException.ThrowIfNull(query);
        var dims = new (UsageGroups Flag, string Column)[]
        {
            (UsageGroups.Account, "account_id"), (UsageGroups.Key, "key_id"), (UsageGroups.Model, "model"), (UsageGroups.Channel, "channel"),
        };
        var select = string.Join(", ", dims.Select(d => query.Groups.HasFlag(d.Flag) ? d.Column : $"CAST(NULL AS {text})"));
        var group = string.Concat(dims.Where(d => query.Groups.HasFlag(d.Flag)).Select(d => ", " + d.Column));

        // Grouped by account, each row names its account as it is named now (null for an account that is gone).
        var accountName = query.Groups.HasFlag(UsageGroups.Account) ? "(SELECT a.name FROM accounts a WHERE a.id = u.account_id)" : $"CAST(NULL AS {text})";
        return $"""
            SELECT (made_at / @width) * @width AS bucket_start, {select},
                   CAST(SUM(requests) AS {wholeNumber}), CAST(COALESCE(SUM(images), 0) AS {wholeNumber}),
                   CAST(COALESCE(SUM(charged), 0) AS {wholeNumber}), CAST(COALESCE(SUM(refunded), 0) AS {wholeNumber}),
                   {accountName}
            FROM (
                SELECT created_at AS made_at, account_id, key_id, model, channel, 1 AS requests, images, captured AS charged, refunded
                FROM reservations WHERE created_at >= @from AND created_at < @to
                UNION ALL
                SELECT day_start, account_id, key_id, model, channel, requests, images, charged, refunded
                FROM usage_daily WHERE day_start >= @from AND day_start < @to
            ) u
            GROUP BY (made_at / @width) * @width{group}
            ORDER BY 1{group}
            """;
    }

    /// <summary>The bucket width in ms.</summary>
    public static long Width(UsageBucket bucket) => bucket == UsageBucket.Day ? 86_400_000 : 3_600_000;
}
