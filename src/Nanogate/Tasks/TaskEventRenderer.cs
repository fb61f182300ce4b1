using System.Text.Json.Nodes;
using Nanogate.Media;
using Nanogate.Storage.Tasks;

namespace Nanogate.Tasks;

/// <summary>Webhook payloads of ended tasks: <c>{"type":"task.&lt;status&gt;","timestamp":…,"data":&lt;task object&gt;}</c>.</summary>
internal sealed class TaskEventRenderer(MediaLinks links) : ITaskEventRenderer
{
    /// <inheritdoc />
    public (string Payload, long ExpiresAt) Render(TaskSnapshot ended, long now)
    {
        var payload = new JsonObject
        {
            ["type"] = "task." + ended.Task.Status,
            ["timestamp"] = TaskJson.Iso(now),
            ["data"] = TaskJson.Render(ended, ended.Task.BaseUrl, links),
        };

        // Delivery is pointless once the links in it are dead; with no image, give it the same lifetime.
        var expiresAt = ended.Images.Select(i => i.MediaExpiresAt).Max() ?? now + (long)links.Ttl.TotalMilliseconds;
        return (payload.ToJsonString(Hosting.JsonDefaults.Snake), expiresAt);
    }
}
