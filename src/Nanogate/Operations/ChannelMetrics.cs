using System.Diagnostics.Metrics;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Operations;

/// <summary>
/// Per-channel series, observed from the router's live counters when metrics are collected (nothing is counted twice and
/// the request path pays only its own interlocked increments): <c>nanogate_upstream_calls_total{channel,kind,outcome}</c>,
/// <c>nanogate_upstream_failovers_total</c>, <c>nanogate_upstream_in_flight</c>, <c>nanogate_upstream_breaker_state</c>
/// (0 closed, 1 open, 2 half-open) and <c>nanogate_upstream_cooling</c>.
/// </summary>
internal sealed class ChannelMetrics
{
    private static readonly UpstreamFailureKind[] Kinds = Enum.GetValues<UpstreamFailureKind>();
    private static readonly string[] KindLabels = [.. Kinds.Select(k => k.ToString().ToLowerInvariant())];

    public ChannelMetrics(NanogateMetrics metrics, ChannelRouter router)
    {
        var meter = metrics.Meter;
        meter.CreateObservableCounter("nanogate.upstream.calls", () => Calls(router), "{call}", "Upstream calls by channel and outcome (ok or the failure kind).");
        meter.CreateObservableCounter("nanogate.upstream.failovers", () => PerChannel(router, c => c.Failovers), "{call}", "Calls passed on to another channel after a failure here.");
        meter.CreateObservableGauge("nanogate.upstream.in_flight", () => PerChannel(router, c => c.InFlight), "{call}", "Calls in flight per channel.");
        meter.CreateObservableGauge("nanogate.upstream.breaker_state", () => PerChannel(router, c => (int)c.Breaker.State switch { 0 => 0, 1 => 1, _ => 2 }), null, "0 closed, 1 open, 2 half-open.");
        meter.CreateObservableGauge("nanogate.upstream.cooling", () => PerChannel(router, c => c.CoolingUntil is null ? 0 : 1), null, "1 while the channel rests after a rate limit.");
    }

    private static IEnumerable<Measurement<long>> Calls(ChannelRouter router)
    {
        foreach (var c in router.Channels)
        {
            yield return new Measurement<long>(c.Outcome(null), Tag("channel", c.Channel.Name), Tag("kind", c.Channel.Kind), Tag("outcome", "ok"));
            for (var i = 0; i < Kinds.Length; i++)
            {
                yield return new Measurement<long>(c.Outcome(Kinds[i]), Tag("channel", c.Channel.Name), Tag("kind", c.Channel.Kind), Tag("outcome", KindLabels[i]));
            }
        }
    }

    private static IEnumerable<Measurement<long>> PerChannel(ChannelRouter router, Func<RoutedChannel, long> value)
    {
        foreach (var c in router.Channels)
        {
            yield return new Measurement<long>(value(c), Tag("channel", c.Channel.Name), Tag("kind", c.Channel.Kind));
        }
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);
}
