namespace Nanogate.Admin.Wire;

/// <summary>A channel's circuit breaker.</summary>
/// <param name="State">closed, open or half_open.</param>
/// <param name="ConsecutiveFailures">Failures in a row.</param>
/// <param name="OpenUntil">When an open breaker lets a probe through, or null.</param>
internal sealed record ChannelBreakerView(string State, int ConsecutiveFailures, DateTimeOffset? OpenUntil);
