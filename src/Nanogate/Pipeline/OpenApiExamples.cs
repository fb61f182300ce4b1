using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Nanogate.Pipeline;

/// <summary>
/// Examples for /openapi/v1.json: the bodies a client sends most and the error body of each dialect, taken from API.md
/// (the external contract) so the document shows the real wire shape.
/// </summary>
internal sealed class OpenApiExamples : IOpenApiSchemaTransformer
{
    private static readonly FrozenDictionary<Type, string> Examples = new Dictionary<Type, string>
    {
        [typeof(Tasks.Wire.TaskSubmitRequest)] = """{"model":"nano-banana-2-lite","prompt":"A watercolor fox in the snow","size":"16:9","n":1}""",
        [typeof(Tasks.Wire.TaskAccepted)] = """{"task_id":"task_8Qz3kX1mVbN0pLr7sT2uWy4a","status":"pending","poll_url":"/v1/tasks/task_8Qz3kX1mVbN0pLr7sT2uWy4a","request_id":"req_4f1c2a9e","model":"gemini-3.1-flash-lite-image","n":1,"credits":{"reserved":45},"warnings":[]}""",
        [typeof(Tasks.Wire.TaskObject)] = """{"task_id":"task_8Qz3kX1mVbN0pLr7sT2uWy4a","object":"task","status":"succeeded","model":"gemini-3.1-flash-lite-image","created_at":"2026-01-05T10:00:00.000Z","started_at":"2026-01-05T10:00:00.120Z","completed_at":"2026-01-05T10:00:06.480Z","request":{"prompt":"A watercolor fox in the snow","aspect_ratio":"16:9","resolution":"1K","n":1},"images":[{"index":0,"status":"succeeded","url":"https://images.example.com/v1/media/med_2b7c?exp=1767693606&sig=Yk3…","expires_at":"2026-01-06T10:00:06.480Z","mime_type":"image/png","width":1376,"height":768,"channel":"gemini"}],"text":null,"error":null,"credits":{"reserved":45,"charged":45,"refunded":0},"usage":{"input_tokens":9,"output_tokens":1120,"image_tokens":1120},"warnings":[],"request_id":"req_4f1c2a9e"}""",
        [typeof(Gemini.Wire.GeminiGenerateContentRequest)] = """{"contents":[{"role":"user","parts":[{"text":"A watercolor fox in the snow"}]}],"generationConfig":{"responseModalities":["IMAGE"],"imageConfig":{"aspectRatio":"16:9","imageSize":"1K"}}}""",
        [typeof(OpenAi.Wire.OpenAiImageGenerationRequest)] = """{"model":"nano-banana-2-lite","prompt":"A watercolor fox in the snow","size":"1536x1024","response_format":"url"}""",
        [typeof(Admin.Wire.ChannelWriteRequest)] = """{"name":"gemini-project-b","kind":"gemini","api_keys":[{"key":"AIza…","project":"project-b"}],"priority":10,"weight":1,"max_concurrency":8}""",
        [typeof(Hosting.ApiErrorBody)] = """{"error":{"code":"invalid_request","message":"n must be a plain integer (e.g. 2), not a string.","param":"n"}}""",
        [typeof(Gemini.GeminiErrorBody)] = """{"error":{"code":400,"message":"contents is required: send at least one part with the prompt's text.","status":"INVALID_ARGUMENT"}}""",
        [typeof(OpenAi.OpenAiErrorBody)] = """{"error":{"message":"Invalid API key. Pass your key as Authorization: Bearer sk-....","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""",
    }.ToFrozenDictionary();

    /// <inheritdoc />
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null && Examples.TryGetValue(context.JsonTypeInfo.Type, out var example))
        {
            schema.Examples = [JsonNode.Parse(example)!];
        }

        return Task.CompletedTask;
    }
}
