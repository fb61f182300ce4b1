using System.Globalization;
using System.Text.Json.Nodes;
using Nanogate.Media;
using Nanogate.Storage.Tasks;

namespace Nanogate.Tasks;

/// <summary>The task object of the API (GET /v1/tasks/{id}, listings, webhooks, Prefer: wait), in one place.</summary>
internal static class TaskJson
{
    /// <summary>The task object; image URLs are signed links under <paramref name="baseUrl"/>.</summary>
    public static JsonObject Render(TaskSnapshot snapshot, string baseUrl, MediaLinks links)
    {
        var t = snapshot.Task;
        var request = StoredTaskRequest.FromJson(t.Request);
        var images = new JsonArray();
        foreach (var image in snapshot.Images)
        {
            var item = new JsonObject { ["index"] = image.Idx, ["status"] = image.Status };
            if (image.Status == TaskStatuses.Succeeded && image.MediaId is { } mediaId && image.MediaExpiresAt is { } exp)
            {
                var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(exp);
                item["url"] = links.Url(baseUrl, mediaId, expiresAt);
                item["expires_at"] = Iso(exp);
                item["mime_type"] = image.MimeType;
                item["width"] = image.Width;
                item["height"] = image.Height;
                if (image.Channel is not null)
                {
                    item["channel"] = image.Channel;
                }
            }
            else if (image.Status == TaskStatuses.Failed)
            {
                item["error"] = new JsonObject { ["code"] = image.ErrorCode, ["message"] = image.ErrorMessage };
            }

            images.Add(item);
        }

        var text = snapshot.Images.Select(i => i.Text).FirstOrDefault(s => !string.IsNullOrWhiteSpace(s));
        return new JsonObject
        {
            ["task_id"] = t.Id,
            ["object"] = "task",
            ["status"] = t.Status,
            ["model"] = t.Model,
            ["created_at"] = Iso(t.CreatedAt),
            ["started_at"] = Iso(t.StartedAt),
            ["completed_at"] = Iso(t.CompletedAt),
            ["request"] = new JsonObject
            {
                ["prompt"] = request.Prompt,
                ["aspect_ratio"] = request.EffectiveAspectRatio,
                ["resolution"] = request.Resolution,
                ["n"] = request.N,
            },
            ["images"] = images,
            ["text"] = text,
            ["error"] = t.ErrorCode is null ? null : new JsonObject { ["code"] = t.ErrorCode, ["message"] = t.ErrorMessage },
            ["credits"] = new JsonObject
            {
                ["reserved"] = t.CreditsReserved,
                ["charged"] = t.CreditsCharged,
                ["refunded"] = t.CreditsRefunded,
            },
            ["usage"] = new JsonObject
            {
                ["input_tokens"] = snapshot.Images.Sum(i => i.InputTokens),
                ["output_tokens"] = snapshot.Images.Sum(i => i.OutputTokens),
                ["image_tokens"] = snapshot.Images.Sum(i => i.ImageTokens),
            },
            ["warnings"] = new JsonArray([.. request.Warnings.Select(w => (JsonNode?)JsonValue.Create(w))]),
            ["request_id"] = t.RequestId,
        };
    }

    /// <summary>ISO 8601 UTC with milliseconds, or null.</summary>
    public static string? Iso(long? unixMs) => unixMs is { } ms
        ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
        : null;
}
