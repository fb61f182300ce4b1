namespace Nanogate.Client;

/// <summary>How to wait for a task to end: first <c>Prefer: wait</c> on submit, then polling with backoff.</summary>
public sealed class TaskWaitOptions
{
    /// <summary>
    /// Seconds the server may hold the submit request (<c>Prefer: wait=N</c>, at most 60; 0 = answer at once and poll).
    /// Default 30: most images are made within it, so the task usually comes back finished in one round trip.
    /// </summary>
    public int PreferWaitSeconds { get; set; } = 30;

    /// <summary>The first pause between polls (default 250 ms).</summary>
    public TimeSpan InitialPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Each pause is the previous one times this factor (default 1.5) ...</summary>
    public double BackoffFactor { get; set; } = 1.5;

    /// <summary>... up to this pause (default 5 seconds).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest the whole wait may take (default 10 minutes); past it the wait throws <see cref="TimeoutException"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    internal TaskWaitOptions Validated()
    {
        if (PreferWaitSeconds is < 0 or > 60)
        {
            throw new ArgumentOutOfRangeException(nameof(PreferWaitSeconds), PreferWaitSeconds, "Prefer: wait takes 0 to 60 seconds.");
        }

        if (InitialPollInterval <= TimeSpan.Zero || MaxPollInterval < InitialPollInterval || BackoffFactor < 1)
        {
            throw new ArgumentException("Polling needs InitialPollInterval > 0, MaxPollInterval >= InitialPollInterval and BackoffFactor >= 1.");
        }

        return this;
    }
}
