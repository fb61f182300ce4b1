using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nanogate.Client;

/// <summary>
/// A task as the server describes it: the full object of <c>GET /v1/tasks/{id}</c>, or the shorter answer of a submit
/// (<c>task_id</c>, <c>status</c>, <c>poll_url</c>, <c>model</c>, <c>n</c>, <c>credits.reserved</c>, <c>warnings</c>).
/// </summary>
public sealed class NanogateTask
{
    /// <summary>The task id (<c>task_…</c>).</summary>
    public string TaskId { get; set; } = "";

    /// <summary><c>pending</c>, <c>running</c>, <c>succeeded</c>, <c>partially_succeeded</c>, <c>failed</c> or <c>canceled</c> (see <see cref="NanogateTaskStatus"/>).</summary>
    public string Status { get; set; } = "";

    /// <summary>The catalog id of the model that makes the images.</summary>
    public string? Model { get; set; }

    /// <summary>Where to poll (relative to the base URL); set on a submit's answer.</summary>
    public string? PollUrl { get; set; }

    /// <summary>How many images were asked for (on a submit's answer; else see <see cref="Request"/>).</summary>
    public int? N { get; set; }

    /// <summary>When the task was accepted.</summary>
    public DateTimeOffset? CreatedAt { get; set; }

    /// <summary>When the first image started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the task ended.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The effective request (prompt, ratio, resolution, n).</summary>
    public TaskRequestSummary? Request { get; set; }

    /// <summary>One entry per image asked for.</summary>
    public IReadOnlyList<TaskImage> Images { get; set; } = [];

    /// <summary>The model's text, if it said anything.</summary>
    public string? Text { get; set; }

    /// <summary>Why the task failed, when it did.</summary>
    public TaskError? Error { get; set; }

    /// <summary>Credits held, charged and refunded.</summary>
    public TaskCredits? Credits { get; set; }

    /// <summary>Token usage of the images made.</summary>
    public TaskUsage? Usage { get; set; }

    /// <summary>Adjustments the server made to the request (a mapped ratio, a downgraded resolution, an ignored field).</summary>
    public IReadOnlyList<string> Warnings { get; set; } = [];

    /// <summary>The id of the request that created the task.</summary>
    public string? RequestId { get; set; }

    /// <summary>Fields this client does not know (other platforms speaking the same task shape may add some).</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>Whether the task has ended (see <see cref="NanogateTaskStatus.IsFinal"/>).</summary>
    [JsonIgnore]
    public bool IsFinal => NanogateTaskStatus.IsFinal(Status);

    /// <summary>The images that were made.</summary>
    [JsonIgnore]
    public IEnumerable<TaskImage> SucceededImages => Images.Where(i => i.Status == NanogateTaskStatus.Succeeded && i.Url is not null);
}
