namespace Nanogate.IntegrationTests.Contracts;

/// <summary>A clock the test sets, for the few store calls that read the time themselves (reservations, accounts).</summary>
public sealed class TestClock : TimeProvider
{
    /// <summary>Unix milliseconds.</summary>
    public long Now { get; set; }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(Now);
}
