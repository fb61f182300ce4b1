namespace Nanogate.Storage.Retention;

/// <summary>The statements of the usage roll-up both providers run (standard SQL; the batch's ids are <c>@ids</c> as each provider binds a list).</summary>
public static class UsageRollupSql
{
    /// <summary>The length of a UTC day in ms: roll-up rows are keyed by the start of their day.</summary>
    public const long Day = 86_400_000;

    /// <summary>
    /// The oldest settled reservations made before <c>@createdBefore</c> that no task holds, at most <c>@max</c>
    /// (the provider appends its row lock).
    /// </summary>
    public const string Candidates = """
        SELECT r.id FROM reservations r
        WHERE r.settled_at IS NOT NULL AND r.created_at < @createdBefore
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.reservation_id = r.id)
        ORDER BY r.created_at LIMIT @max
        """;

    /// <summary>The batch summed into <c>usage_daily</c>; <paramref name="inIds"/> is the provider's "the id is one of @ids" test.</summary>
    public static string Insert(string inIds) => $"""
        INSERT INTO usage_daily (day_start, account_id, key_id, model, channel, purpose, requests, images, charged, refunded)
        SELECT (created_at / {Day}) * {Day}, account_id, key_id, model, channel, purpose,
               COUNT(*), SUM(images), SUM(captured), SUM(refunded)
        FROM reservations WHERE {inIds}
        GROUP BY (created_at / {Day}) * {Day}, account_id, key_id, model, channel, purpose
        """;
}
