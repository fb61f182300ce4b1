using System.Globalization;
using System.Text;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Operations;

/// <summary>
/// Per-channel series for <c>/metrics</c>, read from the router's live counters when scraped (nothing is
/// counted twice and the request path pays only its own interlocked increments).
/// </summary>
internal static class ChannelMetrics
{
    public static string Render(ChannelRouter router)
    {
        var sb = new StringBuilder();
        var channels = router.Channels;
        sb.Append("# HELP nanogate_upstream_calls_total Upstream calls by channel and outcome (ok or the failure kind).\n# TYPE nanogate_upstream_calls_total counter\n");
        foreach (var c in channels)
        {
            var labels = Labels(c);
            sb.Append(CultureInfo.InvariantCulture, $"nanogate_upstream_calls_total{{{labels},outcome=\"ok\"}} {c.Outcome(null)}\n");
            foreach (var kind in Enum.GetValues<UpstreamFailureKind>())
            {
                sb.Append(CultureInfo.InvariantCulture, $"nanogate_upstream_calls_total{{{labels},outcome=\"{kind.ToString().ToLowerInvariant()}\"}} {c.Outcome(kind)}\n");
            }
        }

        sb.Append("# HELP nanogate_upstream_failovers_total Calls passed on to another channel after a failure here.\n# TYPE nanogate_upstream_failovers_total counter\n");
        foreach (var c in channels)
        {
            sb.Append(CultureInfo.InvariantCulture, $"nanogate_upstream_failovers_total{{{Labels(c)}}} {c.Failovers}\n");
        }

        sb.Append("# HELP nanogate_upstream_in_flight Calls in flight per channel.\n# TYPE nanogate_upstream_in_flight gauge\n");
        foreach (var c in channels)
        {
            sb.Append(CultureInfo.InvariantCulture, $"nanogate_upstream_in_flight{{{Labels(c)}}} {c.InFlight}\n");
        }

        sb.Append("# HELP nanogate_upstream_breaker_state 0 closed, 1 open, 2 half-open.\n# TYPE nanogate_upstream_breaker_state gauge\n");
        foreach (var c in channels)
        {
            sb.Append(CultureInfo.InvariantCulture, $"nanogate_upstream_breaker_state{{{Labels(c)}}} {(int)c.Breaker.State switch { 0 => 0, 1 => 1, _ => 2 }}\n");
        }

        sb.Append("# HELP nanogate_upstream_cooling 1 while the channel rests after a rate limit.\n# TYPE nanogate_upstream_cooling gauge\n");
        foreach (var c in channels)
        {
            sb.Append(CultureInfo.InvariantCulture, $"nanogate_upstream_cooling{{{Labels(c)}}} {(c.CoolingUntil is null ? 0 : 1)}\n");
        }

        return sb.ToString();
    }

    private static string Labels(RoutedChannel c) => $"channel=\"{Escape(c.Channel.Name)}\",kind=\"{Escape(c.Channel.Kind)}\"";

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
