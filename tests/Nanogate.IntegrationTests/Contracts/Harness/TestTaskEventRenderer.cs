using System.Text.Json.Nodes;
using Nanogate.Storage.Tasks;

namespace Nanogate.IntegrationTests.Contracts.Harness;

/// <summary>
/// The webhook payload of an ended task for store tests: its type and id, expiring with its newest media (or a
/// second after it ended), so tests can see the payload was rendered from the ended task inside the transaction.
/// </summary>
public sealed class TestTaskEventRenderer : ITaskEventRenderer
{
    /// <inheritdoc />
    public (string Payload, long ExpiresAt) Render(TaskSnapshot ended, long now) =>
        (new JsonObject { ["type"] = "task." + ended.Task.Status, ["data"] = new JsonObject { ["task_id"] = ended.Task.Id } }.ToJsonString(),
         ended.Images.Select(i => i.MediaExpiresAt).Max() ?? now + 1000);
}
