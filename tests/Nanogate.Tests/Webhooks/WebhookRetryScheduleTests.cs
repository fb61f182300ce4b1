using Nanogate.Webhooks;

namespace Nanogate.Tests.Webhooks;

public sealed class WebhookRetryScheduleTests
{
    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 300)]
    [InlineData(3, 1800)]
    [InlineData(4, 7200)]
    [InlineData(5, 18000)]
    [InlineData(6, 36000)]
    [InlineData(7, 36000)]
    [InlineData(50, 36000)]
    public void Default_schedule_is_5s_5min_30min_2h_5h_then_10h(int failedAttempts, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), WebhookRetrySchedule.BaseDelay(failedAttempts, 5));

    [Fact]
    public void Schedule_scales_from_the_base_delay()
    {
        Assert.Equal(TimeSpan.FromSeconds(0.2), WebhookRetrySchedule.BaseDelay(1, 0.2));
        Assert.Equal(TimeSpan.FromSeconds(12), WebhookRetrySchedule.BaseDelay(2, 0.2));
    }

    [Theory]
    [InlineData(0.0, 270)]
    [InlineData(0.5, 300)]
    [InlineData(1.0, 330)]
    public void Jitter_stays_within_ten_percent(double random, double seconds) =>
        Assert.Equal(seconds, WebhookRetrySchedule.Delay(2, 5, random).TotalSeconds, precision: 6);
}
