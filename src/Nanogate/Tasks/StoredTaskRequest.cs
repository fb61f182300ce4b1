using System.Text.Json.Nodes;
using Nanogate.Core.Catalog;

namespace Nanogate.Tasks;

/// <summary>
/// The normalised request as kept in <c>tasks.request</c>: enough to rebuild the <see cref="Core.Requests.ImageRequest"/>
/// in any process after a restart (reference images are kept in the media store and named by id).
/// </summary>
internal sealed record StoredTaskRequest(
    string Prompt,
    string? AspectRatio,
    string EffectiveAspectRatio,
    string Resolution,
    int N,
    string? ThinkingLevel,
    bool Search,
    IReadOnlyList<string> ReferenceMediaIds,
    IReadOnlyList<string> Warnings)
{
    /// <summary>"task" when the webhook carries the bare task object (seed clients), null for the Standard Webhooks envelope.</summary>
    public string? CallbackFormat { get; init; }

    /// <summary>
    /// The submission's W3C <c>traceparent</c>: the worker's and the webhook's spans continue its trace. Internal (never
    /// rendered in the task object).
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>As JSON.</summary>
    public string ToJson() => new JsonObject
    {
        ["prompt"] = Prompt,
        ["aspect_ratio"] = AspectRatio,
        ["effective_aspect_ratio"] = EffectiveAspectRatio,
        ["resolution"] = Resolution,
        ["n"] = N,
        ["thinking_level"] = ThinkingLevel,
        ["search"] = Search,
        ["reference_media_ids"] = new JsonArray([.. ReferenceMediaIds.Select(i => (JsonNode?)JsonValue.Create(i))]),
        ["warnings"] = new JsonArray([.. Warnings.Select(w => (JsonNode?)JsonValue.Create(w))]),
        ["callback_format"] = CallbackFormat,
        ["trace_parent"] = TraceParent,
    }.ToJsonString(Hosting.JsonDefaults.Snake);

    /// <summary>From JSON written by <see cref="ToJson"/>.</summary>
    public static StoredTaskRequest FromJson(string json)
    {
        var o = JsonNode.Parse(json)!.AsObject();
        return new StoredTaskRequest(
            o["prompt"]!.GetValue<string>(),
            o["aspect_ratio"]?.GetValue<string>(),
            o["effective_aspect_ratio"]?.GetValue<string>() ?? "1:1",
            o["resolution"]?.GetValue<string>() ?? "1K",
            o["n"]?.GetValue<int>() ?? 1,
            o["thinking_level"]?.GetValue<string>(),
            o["search"]?.GetValue<bool>() ?? false,
            o["reference_media_ids"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [],
            o["warnings"]?.AsArray().Select(n => n!.GetValue<string>()).ToList() ?? [])
        {
            CallbackFormat = o["callback_format"]?.GetValue<string>(),
            TraceParent = o["trace_parent"]?.GetValue<string>(),
        };
    }

    /// <summary>The requested ratio, if one was given.</summary>
    public AspectRatio? Ratio => Core.Catalog.AspectRatio.TryParse(AspectRatio, out var r) ? r : null;
}
