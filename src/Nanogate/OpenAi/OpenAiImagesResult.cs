using System.Text.Encodings.Web;
using System.Text.Json;

namespace Nanogate.OpenAi;

/// <summary>
/// Writes <see cref="Wire.OpenAiImagesResponse"/> straight to the response with the image bytes
/// base64-encoded by the writer, unescaped (a serializer would escape every '+' as \u002B).
/// </summary>
internal sealed class OpenAiImagesResult(long created, IReadOnlyList<OpenAiImageEntry> images, OpenAiUsage usage, string? size, string quality, string outputFormat, IReadOnlyList<string> warnings) : IResult
{
    /// <summary>Relaxed escaping: the answer is JSON for API clients, never embedded in HTML.</summary>
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = 200;
        response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = Encoder, SkipValidation = true });
        json.WriteStartObject();
        json.WriteNumber("created", created);
        json.WriteStartArray("data");
        foreach (var image in images)
        {
            json.WriteStartObject();
            if (image.Url is not null)
            {
                json.WriteString("url", image.Url);
            }
            else
            {
                json.WriteBase64String("b64_json", image.Bytes);
            }

            json.WriteString("revised_prompt", image.RevisedPrompt);

            // Beyond OpenAI's fields (its SDKs ignore them): what a seed-004 client reads about each image.
            json.WriteString("content_type", image.MimeType);
            if (image.Width > 0)
            {
                json.WriteNumber("width", image.Width);
                json.WriteNumber("height", image.Height);
            }

            json.WriteEndObject();
            await json.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
        }

        json.WriteEndArray();
        if (size is not null)
        {
            json.WriteString("size", size);
        }

        json.WriteString("quality", quality);
        json.WriteStartArray("warnings");
        foreach (var warning in warnings)
        {
            json.WriteStringValue(warning);
        }

        json.WriteEndArray();
        json.WriteString("output_format", outputFormat);
        json.WriteStartObject("usage");
        json.WriteNumber("input_tokens", usage.InputTokens);
        json.WriteNumber("output_tokens", usage.OutputTokens);
        json.WriteNumber("total_tokens", usage.TotalTokens);
        json.WriteStartObject("input_tokens_details");
        json.WriteNumber("text_tokens", usage.InputTokensDetails.TextTokens);
        json.WriteNumber("image_tokens", usage.InputTokensDetails.ImageTokens);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(httpContext.RequestAborted).ConfigureAwait(false);
    }
}
