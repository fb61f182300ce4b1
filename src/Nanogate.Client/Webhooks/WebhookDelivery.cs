using System.Text.Json;

namespace Nanogate.Client;

/// <summary>A verified webhook delivery: its id (deduplicate on it: deliveries are retried until answered 2xx), its time and body.</summary>
public sealed class WebhookDelivery
{
    internal WebhookDelivery(string id, DateTimeOffset timestamp, string body)
    {
        Id = id;
        Timestamp = timestamp;
        Body = body;
    }

    /// <summary>The <c>webhook-id</c> (<c>msg_…</c>): the same for every retry of one event.</summary>
    public string Id { get; }

    /// <summary>The <c>webhook-timestamp</c>.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>The body as sent.</summary>
    public string Body { get; }

    /// <summary>
    /// The task event: the <c>{type, timestamp, data}</c> envelope, or a bare task object (<c>callback_format: task</c>),
    /// whose type is then <c>task.{status}</c>.
    /// </summary>
    /// <exception cref="JsonException">The body is not a task event.</exception>
    public TaskEvent ReadEvent()
    {
        using var document = JsonDocument.Parse(Body);
        if (document.RootElement.TryGetProperty("data", out var data) && document.RootElement.TryGetProperty("type", out _))
        {
            return document.RootElement.Deserialize(NanogateJsonContext.Default.TaskEvent) ?? throw new JsonException("The webhook body is null.");
        }

        var task = document.RootElement.Deserialize(NanogateJsonContext.Default.NanogateTask) ?? throw new JsonException("The webhook body is null.");
        return new TaskEvent { Type = "task." + task.Status, Timestamp = Timestamp, Data = task };
    }
}
