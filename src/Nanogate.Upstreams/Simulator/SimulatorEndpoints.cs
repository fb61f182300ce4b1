using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nanogate.Core.Catalog;
using Nanogate.Core.Images;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// Mounts the Gemini simulator under <c>/simulator</c>: Google's generateContent and
/// streamGenerateContent wire format, deterministic images from <see cref="SimulatedImageRenderer"/>,
/// and injectable faults for tests and benchmarks.
/// </summary>
/// <remarks>
/// <para>Fault markers, anywhere in the prompt text, any case:</para>
/// <list type="bullet">
/// <item><c>[sim:429]</c>: 429 RESOURCE_EXHAUSTED with <c>google.rpc.QuotaFailure</c> (violations[].quotaId) and
/// <c>google.rpc.RetryInfo</c> (<c>"retryDelay":"1s"</c>) details; answered at once, as quota checks precede generation.</item>
/// <item><c>[sim:500]</c>: 500 INTERNAL after the latency.</item>
/// <item><c>[sim:503]</c>: 503 UNAVAILABLE "The model is overloaded. Please try again later." after the latency.</item>
/// <item><c>[sim:timeout]</c>: no answer until the client gives up; after 10 minutes 504 DEADLINE_EXCEEDED.</item>
/// <item><c>[sim:malformed]</c>: 200 with a truncated, invalid JSON body (an unterminated SSE event when streaming).</item>
/// <item><c>[sim:blocked]</c>: 200, one candidate with finishReason IMAGE_SAFETY, a finishMessage and no content.</item>
/// <item><c>[sim:noimage]</c>: 200, finishReason NO_IMAGE and only a text part.</item>
/// <item><c>[sim:slow:MS]</c>: MS more milliseconds of latency; combines with the others.</item>
/// <item><c>[sim:cut]</c>: 200 with the first half of the answer (streaming: of the final image's event), then the connection is reset.</item>
/// <item><c>[sim:corrupt]</c>: 200, the answer at its declared length (streaming: the final image's event), a control byte in the middle (invalid JSON).</item>
/// <item><c>[sim:stall:MS]</c>: the answer (streaming: the final image's event) pauses MS milliseconds after its first half; combines with the others.</item>
/// </list>
/// <para>Every answer carries <c>x-nanogate-simulator: true</c>: the simulator never passes itself off as Google.</para>
/// </remarks>
public static class SimulatorEndpoints
{
    /// <summary>The header on every simulator answer.</summary>
    public const string SimulatorHeader = "x-nanogate-simulator";

    private const int PromptTokensPerImage = 258;
    private const int ThoughtTokens = 120;
    private const string ImageText = "Here is your image (simulated).";
    private const string ThoughtText = "**Planning the image (simulated)**\n\nLaying out the composition, colours and the simulator mark.";
    private const string NoImageText = "I could not generate an image for this request (simulated NO_IMAGE).";
    private static readonly TimeSpan TimeoutCap = TimeSpan.FromMinutes(10);
    private static readonly SimulatorOptions DefaultOptions = new();

    /// <summary>
    /// Maps <c>POST /simulator/v1beta/models/{model}:generateContent</c> and <c>:streamGenerateContent</c>
    /// (and the same under <c>/simulator/v1</c>). Options come from <see cref="IOptionsMonitor{TOptions}"/>
    /// of <see cref="SimulatorOptions"/> when registered, else the defaults.
    /// </summary>
    public static IEndpointRouteBuilder MapSimulator(this IEndpointRouteBuilder routes)
    {
        // A route template cannot split "{model}:{method}" inside one segment, so the segment is taken whole.
        routes.MapPost("/simulator/v1beta/models/{modelAction}", context => HandleAsync(context, "v1beta"));
        routes.MapPost("/simulator/v1/models/{modelAction}", context => HandleAsync(context, "v1"));

        // Vertex AI's shapes: standard (project and location in the path) and express mode.
        routes.MapPost("/simulator/v1/projects/{project}/locations/{location}/publishers/google/models/{modelAction}", context => HandleVertexAsync(context));
        routes.MapPost("/simulator/v1/publishers/google/models/{modelAction}", context => HandleVertexAsync(context));

        // The other kinds' surfaces: an OpenAI Images API and a seed-shaped task API.
        routes.MapPost("/simulator/openai/v1/images/generations", SimulatorOpenAiEndpoints.HandleAsync);
        routes.MapPost("/simulator/openai/v1/images/edits", SimulatorOpenAiEndpoints.HandleAsync);
        routes.MapPost("/simulator/tasks/v1/images/generations", SimulatorTaskEndpoints.SubmitAsync);
        routes.MapGet("/simulator/tasks/v1/tasks/{id}", SimulatorTaskEndpoints.PollAsync);
        routes.MapGet("/simulator/render", SimulatorRenderEndpoint.Render);

        // Google's Files API: the resumable upload, and get, delete and list of the files.
        routes.MapPost("/simulator/upload/v1beta/files", SimulatorFilesEndpoints.UploadAsync);
        routes.MapGet("/simulator/v1beta/files", SimulatorFilesEndpoints.ListAsync);
        routes.MapGet("/simulator/v1beta/files/{id}", SimulatorFilesEndpoints.GetAsync);
        routes.MapDelete("/simulator/v1beta/files/{id}", SimulatorFilesEndpoints.DeleteAsync);
        return routes;
    }

    private static async Task HandleAsync(HttpContext context, string apiVersion)
    {
        var response = context.Response;
        response.Headers[SimulatorHeader] = "true";
        var cancellationToken = context.RequestAborted;
        var options = context.RequestServices.GetService<IOptionsMonitor<SimulatorOptions>>()?.CurrentValue ?? DefaultOptions;
        try
        {
            await HandleCoreAsync(context, apiVersion, options, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client gave up; there is nobody left to answer.
        }
    }

    /// <summary>
    /// Vertex AI's URL shapes: credentials required (a Bearer token or an express key) and, as on Vertex, a
    /// <c>role</c> on every content; then the same answers as the Gemini surface.
    /// </summary>
    private static async Task HandleVertexAsync(HttpContext context)
    {
        context.Response.Headers[SimulatorHeader] = "true";
        var ct = context.RequestAborted;
        var request = context.Request;
        if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal) && string.IsNullOrEmpty(request.Headers["x-goog-api-key"]))
        {
            await SimulatorResponseWriter.WriteErrorAsync(context.Response, 401, "UNAUTHENTICATED", "Request is missing required authentication credential (simulated Vertex AI).", null, ct);
            return;
        }

        request.EnableBuffering();
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, default, ct);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("contents", out var contents)
                && contents.ValueKind == JsonValueKind.Array && contents.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.Object || !c.TryGetProperty("role", out _)))
            {
                await InvalidArgumentAsync(context.Response, "Please use a valid role: user, model. (simulated Vertex AI: role is required)", ct);
                return;
            }
        }
        catch (JsonException)
        {
            // HandleAsync answers the parse error.
        }

        request.Body.Position = 0;
        await HandleAsync(context, "v1");
    }

    private static async Task HandleCoreAsync(HttpContext context, string apiVersion, SimulatorOptions options, CancellationToken cancellationToken)
    {
        var response = context.Response;
        var modelAction = context.Request.RouteValues["modelAction"] as string ?? string.Empty;
        var colon = modelAction.LastIndexOf(':');
        var modelName = colon < 0 ? modelAction : modelAction[..colon];
        var method = colon < 0 ? string.Empty : modelAction[(colon + 1)..];

        if (!options.Enabled)
        {
            await SimulatorResponseWriter.WriteErrorAsync(response, 404, "NOT_FOUND", "The Nanogate simulator is disabled (Simulator:Enabled is false).", null, cancellationToken);
            return;
        }

        var model = method is "generateContent" or "streamGenerateContent" ? ModelCatalog.Default.Find(modelName) : null;
        if (model is null)
        {
            var message = $"models/{modelName} is not found for API version {apiVersion}, or is not supported for {(method.Length > 0 ? method : "generateContent")}. Call ListModels to see the list of available models and their supported methods.";
            await SimulatorResponseWriter.WriteErrorAsync(response, 404, "NOT_FOUND", message, null, cancellationToken);
            return;
        }

        // Google refuses a request past its inline budget before reading it; larger inputs go through the Files API.
        var payloadTooLarge = $"Request payload size exceeds the limit: {GeminiInlineLimits.RequestBytes} bytes.";
        if (context.Request.ContentLength > GeminiInlineLimits.RequestBytes)
        {
            await InvalidArgumentAsync(response, payloadTooLarge, cancellationToken);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = GeminiInlineLimits.RequestBytes;
        }

        SimulatorRequest? request;
        string? error;
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body, default, cancellationToken);
            if (!SimulatorRequest.TryParse(document.RootElement, out request, out error))
            {
                request = null;
            }
        }
        catch (JsonException exception)
        {
            (request, error) = (null, $"Invalid JSON payload received. {exception.Message}");
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            (request, error) = (null, payloadTooLarge);
        }

        if (request is null)
        {
            await InvalidArgumentAsync(response, error ?? "Invalid request.", cancellationToken);
            return;
        }

        // fileData parts must name live files of this simulator's Files API (it fetches nothing else).
        var files = SimulatorFilesEndpoints.Store(context);
        ImageInfo? firstFromFile = null;
        for (var i = 0; i < request.FileUris.Count; i++)
        {
            var uri = request.FileUris[i];
            if (SimulatorFilesEndpoints.FileId(uri) is not { } id || files.Resolve(id) is not { } file)
            {
                await InvalidArgumentAsync(response, $"File {uri} is not found, has expired or was deleted (simulated Files API: upload it first and reference it within 48 hours).", cancellationToken);
                return;
            }

            if (i == 0 && request.FirstImageIsFile && ImageSniffer.TryIdentify(SimulatorFileStore.ReadHead(file, 1 << 20), out var info))
            {
                firstFromFile = info;
            }
        }

        if (firstFromFile is { } fromFile)
        {
            request = request with { FirstImage = fromFile };
        }

        var ratio = ModelInfo.DefaultAspectRatio;
        if (request.AspectRatio is not null)
        {
            if (!AspectRatio.TryParse(request.AspectRatio, out ratio) || !model.Supports(ratio))
            {
                await InvalidArgumentAsync(response, $"Unsupported aspect ratio \"{request.AspectRatio}\" for {model.Id}. Supported: {string.Join(", ", model.AspectRatios)}.", cancellationToken);
                return;
            }
        }
        else if (request.FirstImage is { } input)
        {
            // Without an explicit ratio Google follows the (first) input image.
            ratio = model.NearestRatio(input.Width, input.Height);
        }

        var size = model.DefaultSize;
        if (request.ImageSize is not null && !ImageSizes.TryParseWire(request.ImageSize, out size))
        {
            await InvalidArgumentAsync(response, $"Invalid image size \"{request.ImageSize}\". Supported values are \"512\", \"1K\", \"2K\" and \"4K\".", cancellationToken);
            return;
        }

        // Google's image models make one candidate per call and refuse more.
        if (request.CandidateCount != 1)
        {
            await InvalidArgumentAsync(response, request.CandidateCount < 1
                ? "candidateCount must be positive."
                : $"Multiple candidates is not enabled for models/{model.Id}.", cancellationToken);
            return;
        }

        // Images of one request (n > 1) are separate calls that differ: the gateway numbers them, and the
        // number joins the prompt in the picture's seed (image 0 is the prompt's own picture).
        if (int.TryParse(context.Request.Headers[Channels.UpstreamRequest.ImageIndexHeader], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index > 0)
        {
            request = request with { Seed = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{request.Prompt}\u0000#{index}") };
        }

        var parsed = SimulatorMarkers.Parse(request.Prompt);
        var markers = parsed with { Fault = parsed.FaultForThisCall(request.Prompt) };
        var latency = TimeSpan.FromMilliseconds(options.LatencyMs + (long)markers.ExtraLatencyMs);
        var streaming = method == "streamGenerateContent";
        var sse = streaming && string.Equals(context.Request.Query["alt"], "sse", StringComparison.OrdinalIgnoreCase);

        switch (markers.Fault)
        {
            case SimulatorFault.RateLimited:
                await DelayAsync(TimeSpan.FromMilliseconds(markers.ExtraLatencyMs), cancellationToken);
                await SimulatorResponseWriter.WriteErrorAsync(
                    response, 429, "RESOURCE_EXHAUSTED",
                    "You exceeded your current quota, please check your plan and billing details. (simulated)",
                    json => WriteQuotaDetails(json, model.Id),
                    cancellationToken);
                return;
            case SimulatorFault.Internal:
                await DelayAsync(latency, cancellationToken);
                await SimulatorResponseWriter.WriteErrorAsync(response, 500, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting (simulated)", null, cancellationToken);
                return;
            case SimulatorFault.Unavailable:
                await DelayAsync(latency, cancellationToken);
                await SimulatorResponseWriter.WriteErrorAsync(response, 503, "UNAVAILABLE", "The model is overloaded. Please try again later.", null, cancellationToken);
                return;
            case SimulatorFault.Timeout:
                await DelayAsync(TimeoutCap, cancellationToken);
                await SimulatorResponseWriter.WriteErrorAsync(response, 504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete. (simulated)", null, cancellationToken);
                return;
            case SimulatorFault.Malformed:
                await DelayAsync(latency, cancellationToken);
                await WriteMalformedAsync(response, sse, cancellationToken);
                return;
        }

        var plan = Plan(request, model, ratio, size, markers.Fault);
        var responseId = NewResponseId();
        if (!streaming)
        {
            await DelayAsync(latency, cancellationToken);
            response.ContentType = SimulatorResponseWriter.JsonContentType;
            if (markers.Fault is SimulatorFault.Cut or SimulatorFault.Corrupt || markers.StallMs > 0)
            {
                await WriteBrokenAsync(context, Merge(plan), model.Id, responseId, markers, cancellationToken);
                return;
            }

            await SimulatorResponseWriter.WriteChunkAsync(response.BodyWriter, Merge(plan), model.Id, responseId, cancellationToken);
            await response.BodyWriter.FlushAsync(cancellationToken);
            return;
        }

        response.ContentType = sse ? "text/event-stream" : SimulatorResponseWriter.JsonContentType;
        var output = response.BodyWriter;
        var waited = false;
        // cut, corrupt and stall break the event of the final image (of an image-less answer, the last event) in its middle.
        var broken = -1;
        if (markers.Fault is SimulatorFault.Cut or SimulatorFault.Corrupt || markers.StallMs > 0)
        {
            broken = plan.FindIndex(c => c.Parts is { } parts && parts.Any(p => p.Image is not null && !p.Thought));
            broken = broken < 0 ? plan.Count - 1 : broken;
        }

        for (var i = 0; i < plan.Count; i++)
        {
            // Thoughts and text stream at once; the image (or the end of an image-less answer) takes the generation time.
            var early = plan[i].Parts is { Count: > 0 } parts && !parts.Any(p => p.Image is not null && !p.Thought);
            if (!early && !waited)
            {
                await DelayAsync(latency, cancellationToken);
                waited = true;
            }

            output.Write(sse ? "data: "u8 : i == 0 ? "["u8 : ",\n"u8);
            if (i == broken)
            {
                if (!await WriteBrokenEventAsync(context, plan[i], model.Id, responseId, markers, cancellationToken))
                {
                    return;
                }
            }
            else
            {
                await SimulatorResponseWriter.WriteChunkAsync(output, plan[i], model.Id, responseId, cancellationToken);
            }

            if (sse)
            {
                output.Write("\r\n\r\n"u8);
            }
            else if (i == plan.Count - 1)
            {
                output.Write("]"u8);
            }

            await output.FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The answer as stream events: thoughts, text, the final image, then the finish. Usage is cumulative,
    /// as Google reports it on every event. A non-streaming answer is these events merged.
    /// </summary>
    private static List<SimulatedChunk> Plan(SimulatorRequest request, ModelInfo model, AspectRatio ratio, ImageSize size, SimulatorFault fault)
    {
        var promptText = SimulatedUsage.TextTokens(request.Prompt);
        var promptImages = request.InputImages * PromptTokensPerImage;
        var thinks = model.Thinking switch
        {
            ThinkingSupport.AlwaysOn => true,
            ThinkingSupport.Levels => request.IncludeThoughts || string.Equals(request.ThinkingLevel, "high", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
        var includeThoughts = request.IncludeThoughts && model.Thinking != ThinkingSupport.None;
        var usage = new SimulatedUsage(promptText, promptImages, 0, 0, thinks ? ThoughtTokens : 0);
        var plan = new List<SimulatedChunk>();

        if (fault == SimulatorFault.Blocked)
        {
            plan.Add(new SimulatedChunk(null, "IMAGE_SAFETY", "Unable to show the generated image. The image was filtered out because it violated Google's Generative AI Prohibited Use policy. (simulated)", usage));
            return plan;
        }

        var signature = Signature(request.Prompt);
        var renderer = SimulatedImageRenderer.Shared;
        if (includeThoughts)
        {
            plan.Add(new SimulatedChunk(
                [new SimulatedPart(Text: ThoughtText, Thought: true), new SimulatedPart(Image: renderer.GetOrRender(request.Seed ?? request.Prompt, model, ratio, size, draft: true), Thought: true)],
                null, null, usage));
        }

        var image = fault != SimulatorFault.NoImage && request.WantsImage;
        var text = fault == SimulatorFault.NoImage ? NoImageText : request.WantsText || !image ? ImageText : null;
        if (text is not null)
        {
            usage = usage with { CandidateTextTokens = SimulatedUsage.TextTokens(text) };
            plan.Add(new SimulatedChunk([new SimulatedPart(Text: text, ThoughtSignature: signature)], null, null, usage));
        }

        // An image is one block of tokens: a maxOutputTokens below it leaves no room for the image, and the
        // answer stops at MAX_TOKENS without one (the text before it still comes).
        var imageTokens = model.TokensPerImage[model.EffectiveSize(size)];
        var cutShort = image && request.MaxOutputTokens is { } max && max < usage.CandidateTextTokens + imageTokens;
        if (image && !cutShort)
        {
            usage = usage with { CandidateImageTokens = imageTokens };
            plan.Add(new SimulatedChunk([new SimulatedPart(Image: renderer.GetOrRender(request.Seed ?? request.Prompt, model, ratio, size), ThoughtSignature: signature)], null, null, usage));
        }

        plan.Add(new SimulatedChunk([], cutShort ? "MAX_TOKENS" : fault == SimulatorFault.NoImage ? "NO_IMAGE" : "STOP", null, usage));
        return plan;
    }

    private static SimulatedChunk Merge(List<SimulatedChunk> plan)
    {
        var last = plan[^1];
        var parts = plan.Where(c => c.Parts is not null).SelectMany(c => c.Parts!).ToList();
        return last with { Parts = last.Parts is null ? null : parts };
    }

    private static Task InvalidArgumentAsync(HttpResponse response, string message, CancellationToken cancellationToken) =>
        SimulatorResponseWriter.WriteErrorAsync(response, 400, "INVALID_ARGUMENT", message, null, cancellationToken);

    private static void WriteQuotaDetails(Utf8JsonWriter json, string modelId)
    {
        json.WriteStartObject();
        json.WriteString("@type"u8, "type.googleapis.com/google.rpc.QuotaFailure"u8);
        json.WriteStartArray("violations"u8);
        json.WriteStartObject();
        json.WriteString("quotaMetric"u8, "generativelanguage.googleapis.com/generate_requests_per_model"u8);
        json.WriteString("quotaId"u8, "GenerateRequestsPerMinutePerProjectPerModel"u8);
        json.WriteStartObject("quotaDimensions"u8);
        json.WriteString("location"u8, "global"u8);
        json.WriteString("model"u8, modelId);
        json.WriteEndObject();
        json.WriteString("quotaValue"u8, "10"u8);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartObject();
        json.WriteString("@type"u8, "type.googleapis.com/google.rpc.RetryInfo"u8);
        json.WriteString("retryDelay"u8, "1s"u8);
        json.WriteEndObject();
    }

    private static async Task WriteMalformedAsync(HttpResponse response, bool sse, CancellationToken cancellationToken)
    {
        // Cut inside the image data: what a dropped connection or a broken proxy leaves behind.
        response.ContentType = sse ? "text/event-stream" : SimulatorResponseWriter.JsonContentType;
        var body = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"iVBORw0KGgoAAAANSUhEUgAA"u8;
        if (sse)
        {
            response.BodyWriter.Write("data: "u8);
        }

        response.BodyWriter.Write(body);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>One answer rendered whole; with the corrupt marker, a 0x01 byte in its middle (where it is cut in two).</summary>
    private static async Task<Memory<byte>> RenderBrokenAsync(SimulatedChunk chunk, string modelVersion, string responseId, SimulatorMarkers markers, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var writer = PipeWriter.Create(buffer);
        await SimulatorResponseWriter.WriteChunkAsync(writer, chunk, modelVersion, responseId, cancellationToken);
        await writer.FlushAsync(cancellationToken);
        var answer = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (markers.Fault == SimulatorFault.Corrupt)
        {
            answer.Span[answer.Length / 2] = 0x01;
        }

        return answer;
    }

    /// <summary>A whole answer written in two halves: paused between them, cut after the first, or corrupted in the middle.</summary>
    private static async Task WriteBrokenAsync(HttpContext context, SimulatedChunk chunk, string modelVersion, string responseId, SimulatorMarkers markers, CancellationToken cancellationToken)
    {
        var answer = await RenderBrokenAsync(chunk, modelVersion, responseId, markers, cancellationToken);
        var half = answer.Length / 2;

        var response = context.Response;
        response.ContentLength = answer.Length;
        await response.Body.WriteAsync(answer[..half], cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        await DelayAsync(TimeSpan.FromMilliseconds(markers.StallMs), cancellationToken);
        if (markers.Fault == SimulatorFault.Cut)
        {
            context.Abort();
            return;
        }

        await response.Body.WriteAsync(answer[half..], cancellationToken);
    }

    /// <summary>
    /// One stream event written in two halves (after "data: " or the array's separator): paused between them, cut after
    /// the first (false: the connection is reset, nothing more to write) or corrupted in the middle.
    /// </summary>
    private static async Task<bool> WriteBrokenEventAsync(HttpContext context, SimulatedChunk chunk, string modelVersion, string responseId, SimulatorMarkers markers, CancellationToken cancellationToken)
    {
        var answer = await RenderBrokenAsync(chunk, modelVersion, responseId, markers, cancellationToken);
        var half = answer.Length / 2;

        var output = context.Response.BodyWriter;
        output.Write(answer.Span[..half]);
        await output.FlushAsync(cancellationToken);
        await DelayAsync(TimeSpan.FromMilliseconds(markers.StallMs), cancellationToken);
        if (markers.Fault == SimulatorFault.Cut)
        {
            context.Abort();
            return false;
        }

        output.Write(answer.Span[half..]);
        return true;
    }

    private static Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, cancellationToken);

    private static string NewResponseId()
    {
        Span<byte> bytes = stackalloc byte[17];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }

    /// <summary>A stable stand-in for Google's opaque thought signature: same prompt, same signature.</summary>
    private static string Signature(string prompt) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("nanogate-simulator-signature\n" + prompt)));
}
