using System.Diagnostics;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.Routing;

/// <summary>
/// The upstream seam of a trace: one <c>upstream.call</c> span per channel tried (a failover shows as a second span),
/// on the <c>Nanogate</c> activity source; the HttpClient span of the call and its <c>traceparent</c> header are its children.
/// </summary>
internal static class UpstreamActivity
{
    private static readonly ActivitySource Source = new("Nanogate");

    /// <summary>Starts the span of one attempt (null when nobody records it).</summary>
    public static Activity? Start(RoutedChannel routed, UpstreamRequest request, int attempt)
    {
        var activity = Source.StartActivity("upstream.call", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("nanogate.channel", routed.Channel.Name);
            activity.SetTag("nanogate.channel_kind", routed.Channel.Kind);
            activity.SetTag("nanogate.model", request.Model);
            activity.SetTag("nanogate.attempt", attempt + 1);
        }

        return activity;
    }

    /// <summary>Records the attempt's outcome: ok, or the failure kind (a closed enum, never the upstream's message).</summary>
    public static void End(Activity? activity, UpstreamFailure? failure)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag("nanogate.outcome", failure is null ? "ok" : failure.Kind.ToString());
        if (failure is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, failure.Kind.ToString());
        }
    }
}
