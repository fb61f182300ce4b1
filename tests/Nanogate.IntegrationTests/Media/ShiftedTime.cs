namespace Nanogate.IntegrationTests.Media;

/// <summary>The system clock moved by a fixed offset: media written "hours ago" without waiting hours.</summary>
internal sealed class ShiftedTime(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;
}
