using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// Writes Google's wire format with <see cref="Utf8JsonWriter"/> straight into the response pipe. Image
/// data is copied from the cached base64 bytes between two string segments, so a 1.4 MB answer costs
/// no string, no re-encoding and no large buffer per request.
/// </summary>
internal static class SimulatorResponseWriter
{
    /// <summary>Google's JSON content type, spelled as Google spells it.</summary>
    public const string JsonContentType = "application/json; charset=UTF-8";

    /// <summary>Writes one GenerateContentResponse object (no framing).</summary>
    public static async ValueTask WriteChunkAsync(PipeWriter output, SimulatedChunk chunk, string modelVersion, string responseId, CancellationToken cancellationToken)
    {
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteStartArray("candidates"u8);
        json.WriteStartObject();
        if (chunk.Parts is not null)
        {
            json.WriteStartObject("content"u8);
            json.WriteString("role"u8, "model"u8);
            if (chunk.Parts.Count > 0)
            {
                json.WriteStartArray("parts"u8);
                foreach (var part in chunk.Parts)
                {
                    json.WriteStartObject();
                    if (part.Text is not null)
                    {
                        json.WriteString("text"u8, part.Text);
                    }

                    if (part.Image is not null)
                    {
                        json.WriteStartObject("inlineData"u8);
                        json.WriteString("mimeType"u8, "image/png"u8);
                        json.WritePropertyName("data"u8);

                        // Open the string, hand the cached base64 to the pipe as is, then close the string:
                        // base64 needs no escaping, and the writer keeps track of the JSON structure.
                        json.WriteStringValueSegment(ReadOnlySpan<byte>.Empty, isFinalSegment: false);
                        json.Flush();
                        var flushed = await output.WriteAsync(part.Image.Base64Utf8, cancellationToken);
                        if (flushed.IsCanceled || flushed.IsCompleted)
                        {
                            throw new OperationCanceledException("The client went away while the image was sent.");
                        }

                        json.WriteStringValueSegment(ReadOnlySpan<byte>.Empty, isFinalSegment: true);
                        json.WriteEndObject();
                    }

                    if (part.Thought)
                    {
                        json.WriteBoolean("thought"u8, true);
                    }

                    if (part.ThoughtSignature is not null)
                    {
                        json.WriteString("thoughtSignature"u8, part.ThoughtSignature);
                    }

                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        if (chunk.FinishReason is not null)
        {
            json.WriteString("finishReason"u8, chunk.FinishReason);
        }

        if (chunk.FinishMessage is not null)
        {
            json.WriteString("finishMessage"u8, chunk.FinishMessage);
        }

        json.WriteNumber("index"u8, 0);
        json.WriteEndObject();
        json.WriteEndArray();
        WriteUsage(json, chunk.Usage);
        json.WriteString("modelVersion"u8, modelVersion);
        json.WriteString("responseId"u8, responseId);
        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>Writes a whole error answer in Google's shape: <c>{"error":{"code","message","status","details"?}}</c>.</summary>
    public static async Task WriteErrorAsync(HttpResponse response, int code, string status, string message, Action<Utf8JsonWriter>? details, CancellationToken cancellationToken)
    {
        response.StatusCode = code;
        response.ContentType = JsonContentType;
        await using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteStartObject("error"u8);
            json.WriteNumber("code"u8, code);
            json.WriteString("message"u8, message);
            json.WriteString("status"u8, status);
            if (details is not null)
            {
                json.WriteStartArray("details"u8);
                details(json);
                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    private static void WriteUsage(Utf8JsonWriter json, SimulatedUsage usage)
    {
        json.WriteStartObject("usageMetadata"u8);
        json.WriteNumber("promptTokenCount"u8, usage.PromptTokens);
        if (usage.CandidateTokens > 0)
        {
            json.WriteNumber("candidatesTokenCount"u8, usage.CandidateTokens);
        }

        json.WriteNumber("totalTokenCount"u8, usage.TotalTokens);
        json.WriteStartArray("promptTokensDetails"u8);
        WriteDetail(json, "TEXT"u8, usage.PromptTextTokens);
        if (usage.PromptImageTokens > 0)
        {
            WriteDetail(json, "IMAGE"u8, usage.PromptImageTokens);
        }

        json.WriteEndArray();

        // Google lists only the image share when there is one (the text share is left implicit).
        if (usage.CandidateImageTokens > 0 || usage.CandidateTextTokens > 0)
        {
            json.WriteStartArray("candidatesTokensDetails"u8);
            if (usage.CandidateImageTokens > 0)
            {
                WriteDetail(json, "IMAGE"u8, usage.CandidateImageTokens);
            }
            else
            {
                WriteDetail(json, "TEXT"u8, usage.CandidateTextTokens);
            }

            json.WriteEndArray();
        }

        if (usage.ThoughtTokens > 0)
        {
            json.WriteNumber("thoughtsTokenCount"u8, usage.ThoughtTokens);
        }

        json.WriteEndObject();
    }

    private static void WriteDetail(Utf8JsonWriter json, ReadOnlySpan<byte> modality, int tokens)
    {
        json.WriteStartObject();
        json.WriteString("modality"u8, modality);
        json.WriteNumber("tokenCount"u8, tokens);
        json.WriteEndObject();
    }
}
