using System.Buffers;
using System.Text.Json;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Writes a GenerateContentResponse from a <see cref="GeminiResponseSummary"/>: how an answer of a kind that
/// does not speak Gemini (OpenAI Images, task relays) reaches a Gemini-dialect caller.
/// </summary>
internal static class GeminiResponseWriter
{
    /// <summary>camelCase JSON as Google writes it: one candidate with the text and the image, or the finish reason alone.</summary>
    public static byte[] Write(GeminiResponseSummary summary)
    {
        var buffer = new ArrayBufferWriter<byte>(1024 + ((summary.FinalImage?.Data.Length ?? 0) * 4 / 3));
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("candidates"u8);
            w.WriteStartObject();
            if (summary.FinalImage is not null || summary.Text.Length > 0)
            {
                w.WriteStartObject("content"u8);
                w.WriteString("role"u8, "model"u8);
                w.WriteStartArray("parts"u8);
                if (summary.Text.Length > 0)
                {
                    w.WriteStartObject();
                    w.WriteString("text"u8, summary.Text);
                    w.WriteEndObject();
                }

                if (summary.FinalImage is { } image)
                {
                    w.WriteStartObject();
                    w.WriteStartObject("inlineData"u8);
                    w.WriteString("mimeType"u8, image.MimeType);
                    w.WriteBase64String("data"u8, image.Data);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteString("finishReason"u8, summary.FinishReason ?? "STOP");
            if (summary.FinishMessage is { } message)
            {
                w.WriteString("finishMessage"u8, message);
            }

            w.WriteNumber("index"u8, 0);
            w.WriteEndObject();
            w.WriteEndArray();
            if (summary.Usage is { } usage)
            {
                w.WriteStartObject("usageMetadata"u8);
                w.WriteNumber("promptTokenCount"u8, usage.PromptTokens);
                w.WriteNumber("candidatesTokenCount"u8, usage.CandidatesTokens);
                w.WriteNumber("totalTokenCount"u8, usage.PromptTokens + usage.CandidatesTokens + usage.ThoughtsTokens);
                w.WriteEndObject();
            }

            if (summary.ModelVersion is { } version)
            {
                w.WriteString("modelVersion"u8, version);
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
