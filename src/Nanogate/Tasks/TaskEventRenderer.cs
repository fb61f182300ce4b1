using System.Text.Json.Nodes;
using Nanogate.Media;
using Nanogate.Storage.Tasks;

namespace Nanogate.Tasks;

/// <summary>
/// Webhook payloads of ended tasks: <c>{"type":"task.&lt;status&gt;","timestamp":…,"data":&lt;task object&gt;}</c>, or the
/// bare task object when the task's callback_format is "task" (chosen here, as the outbox stores the exact body).
/// </summary>
internal sealed class TaskEventRenderer(MediaLinks links) : ITaskEventRenderer
{
    /// <inheritdoc />
    public (string Payload, long ExpiresAt) Render(TaskSnapshot ended, long now)
    {
        var task = TaskJson.Render(ended, ended.Task.BaseUrl, links);

        // Clients written for the seed platforms read the task object itself (callback_format "task").
        var payload = StoredTaskRequest.FromJson(ended.Task.Request).CallbackFormat == "task"
            ? task
            : new JsonObject
            {
                ["type"] = "task." + ended.Task.Status,
                ["timestamp"] = TaskJson.Iso(now),
                ["data"] = task,
            };

        // Delivery is pointless once the links in it are dead; with no image, give it the same lifetime.
        var expiresAt = ended.Images.Select(i => i.MediaExpiresAt).Max() ?? now + (long)links.Ttl.TotalMilliseconds;
        return (payload.ToJsonString(Hosting.JsonDefaults.Snake), expiresAt);
    }

    /// <inheritdoc />
    public string? TraceParent(TaskSnapshot ended) => StoredTaskRequest.FromJson(ended.Task.Request).TraceParent;
}
