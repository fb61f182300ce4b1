namespace Nanogate.Webhooks;

/// <summary>
/// When to try a failed delivery again: Standard Webhooks' schedule (immediately, then 5 s, 5 min,
/// 30 min, 2 h, 5 h, 10 h, 10 h, …) scaled from a base of 5 s, with ±10 % jitter so receivers that
/// come back up are not hit by every sender at the same instant.
/// </summary>
internal static class WebhookRetrySchedule
{
    // Multiples of the base delay (5 s): 5 s, 5 min, 30 min, 2 h, 5 h, then 10 h for ever.
    private static readonly int[] Multiples = [1, 60, 360, 1440, 3600, 7200];

    /// <summary>The delay, without jitter, after <paramref name="failedAttempts"/> failed attempts (1 = the first failed).</summary>
    public static TimeSpan BaseDelay(int failedAttempts, double baseSeconds)
    {
        var index = Math.Clamp(failedAttempts, 1, Multiples.Length) - 1;
        return TimeSpan.FromSeconds(Multiples[index] * baseSeconds);
    }

    /// <summary>The delay after <paramref name="failedAttempts"/> failed attempts, with ±10 % jitter.</summary>
    public static TimeSpan Delay(int failedAttempts, double baseSeconds, double random01)
    {
        var jitter = 0.9 + (0.2 * Math.Clamp(random01, 0, 1));
        return BaseDelay(failedAttempts, baseSeconds) * jitter;
    }
}
