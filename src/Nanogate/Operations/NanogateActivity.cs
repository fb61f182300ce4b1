using System.Diagnostics;

namespace Nanogate.Operations;

/// <summary>
/// The <c>Nanogate</c> activity source: one span per seam of a request or task (dialect, ledger, queue, upstream,
/// media, webhook). A span costs nothing when no listener samples it (<see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null), and tags are set only on recorded spans.
/// </summary>
internal static class NanogateActivity
{
    /// <summary>The source's name (registered with the tracer provider).</summary>
    public const string SourceName = "Nanogate";

    /// <summary>The source.</summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts an internal span under the current one.</summary>
    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal) => Source.StartActivity(name, kind);

    /// <summary>Starts a span whose parent is a stored W3C <c>traceparent</c> (a task's submission), or a root span when there is none.</summary>
    public static Activity? StartFrom(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal) =>
        // Remote, so that even unsampled (no collector) the span exists and its trace id reaches the logs and the next hop.
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind, parentContext: default);

    /// <summary>The current span's W3C <c>traceparent</c>, to store with work done later (null when there is no span).</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>Marks a span failed with a closed-enum reason (never a message that could carry a secret).</summary>
    public static void Fail(Activity? activity, string reason)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetStatus(ActivityStatusCode.Error, reason);
        }
    }
}
