namespace Nanogate.Storage.Ledger;

/// <summary>The spending-cap arithmetic both providers share; the sums themselves are each provider's SQL.</summary>
public static class SpendCaps
{
    private const long DayMs = 86_400_000;

    /// <summary>The start (unix ms) of the UTC day of <paramref name="now"/>.</summary>
    public static long DayStart(long now) => now / DayMs * DayMs;

    /// <summary>The start (unix ms) of the UTC calendar month of <paramref name="now"/>.</summary>
    public static long MonthStart(long now)
    {
        var t = DateTimeOffset.FromUnixTimeMilliseconds(now);
        return new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    /// <summary>
    /// Throws <see cref="SpendCapExceededException"/> when holding <paramref name="credits"/> more would take the key past
    /// a cap. <paramref name="spentToday"/> and <paramref name="spentThisMonth"/> are the credits captured or still held
    /// (amount − released) by the key's reservations made since <see cref="DayStart"/> and <see cref="MonthStart"/>.
    /// </summary>
    public static void Check(long? dailyCap, long? monthlyCap, long spentToday, long spentThisMonth, long credits)
    {
        if (dailyCap is { } d && spentToday + credits > d)
        {
            throw new SpendCapExceededException(SpendCapPeriod.Daily, d, spentToday, credits);
        }

        if (monthlyCap is { } m && spentThisMonth + credits > m)
        {
            throw new SpendCapExceededException(SpendCapPeriod.Monthly, m, spentThisMonth, credits);
        }
    }
}
