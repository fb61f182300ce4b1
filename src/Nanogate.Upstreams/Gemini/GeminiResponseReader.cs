using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Reads GenerateContentResponse JSON with <see cref="System.Text.Json.Utf8JsonReader"/> (no DOM, so a
/// multi-megabyte image is decoded once, straight from the UTF-8 bytes).
/// </summary>
public static class GeminiResponseReader
{
    // Responses are camelCase, but the backend parses protobuf JSON, so snake_case is accepted where cheap.
    private static ReadOnlySpan<byte> Candidates => "candidates"u8;
    private static ReadOnlySpan<byte> Content => "content"u8;
    private static ReadOnlySpan<byte> Parts => "parts"u8;
    private static ReadOnlySpan<byte> Text => "text"u8;
    private static ReadOnlySpan<byte> Thought => "thought"u8;
    private static ReadOnlySpan<byte> InlineData => "inlineData"u8;
    private static ReadOnlySpan<byte> InlineDataSnake => "inline_data"u8;
    private static ReadOnlySpan<byte> MimeType => "mimeType"u8;
    private static ReadOnlySpan<byte> MimeTypeSnake => "mime_type"u8;
    private static ReadOnlySpan<byte> Data => "data"u8;
    private static ReadOnlySpan<byte> FinishReason => "finishReason"u8;
    private static ReadOnlySpan<byte> FinishReasonSnake => "finish_reason"u8;
    private static ReadOnlySpan<byte> FinishMessage => "finishMessage"u8;
    private static ReadOnlySpan<byte> FinishMessageSnake => "finish_message"u8;
    private static ReadOnlySpan<byte> PromptFeedback => "promptFeedback"u8;
    private static ReadOnlySpan<byte> PromptFeedbackSnake => "prompt_feedback"u8;
    private static ReadOnlySpan<byte> BlockReason => "blockReason"u8;
    private static ReadOnlySpan<byte> BlockReasonSnake => "block_reason"u8;
    private static ReadOnlySpan<byte> UsageMetadata => "usageMetadata"u8;
    private static ReadOnlySpan<byte> UsageMetadataSnake => "usage_metadata"u8;
    private static ReadOnlySpan<byte> PromptTokenCount => "promptTokenCount"u8;
    private static ReadOnlySpan<byte> PromptTokenCountSnake => "prompt_token_count"u8;
    private static ReadOnlySpan<byte> CandidatesTokenCount => "candidatesTokenCount"u8;
    private static ReadOnlySpan<byte> CandidatesTokenCountSnake => "candidates_token_count"u8;
    private static ReadOnlySpan<byte> ThoughtsTokenCount => "thoughtsTokenCount"u8;
    private static ReadOnlySpan<byte> ThoughtsTokenCountSnake => "thoughts_token_count"u8;
    private static ReadOnlySpan<byte> CandidatesTokensDetails => "candidatesTokensDetails"u8;
    private static ReadOnlySpan<byte> CandidatesTokensDetailsSnake => "candidates_tokens_details"u8;
    private static ReadOnlySpan<byte> Modality => "modality"u8;
    private static ReadOnlySpan<byte> TokenCount => "tokenCount"u8;
    private static ReadOnlySpan<byte> TokenCountSnake => "token_count"u8;
    private static ReadOnlySpan<byte> ModelVersion => "modelVersion"u8;
    private static ReadOnlySpan<byte> ModelVersionSnake => "model_version"u8;

    /// <summary>Used when an inlineData part declares no mimeType: we do not guess a format.</summary>
    internal const string UnknownMimeType = "application/octet-stream";

    /// <summary>
    /// Summarises one response. Returns null when <paramref name="json"/> is not a complete JSON object.
    /// With <paramref name="decodeImage"/> false the final image is located but not decoded
    /// (<see cref="GeminiResponseSummary.FinalImage"/> then has empty data).
    /// </summary>
    public static GeminiResponseSummary? Read(ReadOnlySpan<byte> json, bool decodeImage = true)
    {
        var state = new ReadState();
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            ReadResponse(ref reader, state);

            // Anything but whitespace after the object makes the reader throw; a second value is not allowed.
            if (reader.Read())
            {
                return null;
            }
        }
        catch (JsonException)
        {
            return null;
        }

        GeminiImage? image = null;
        if (state.FinalImage is { } located)
        {
            image = decodeImage
                ? DecodeImage(json, located)
                : new GeminiImage(located.MimeType, []);
        }

        return new GeminiResponseSummary
        {
            Usage = state.Usage,
            FinishReason = state.FinishReason,
            FinishMessage = state.FinishMessage,
            BlockReason = state.BlockReason,
            Text = state.Text?.ToString() ?? "",
            FinalImage = image,
            ImageCount = state.ImageCount,
            ModelVersion = state.ModelVersion,
        };
    }

    private static bool Is(ref Utf8JsonReader reader, ReadOnlySpan<byte> camel, ReadOnlySpan<byte> snake) =>
        reader.ValueTextEquals(camel) || reader.ValueTextEquals(snake);

    /// <summary>Reads the properties of the root object; the reader is on its StartObject and ends on its EndObject.</summary>
    private static void ReadResponse(ref Utf8JsonReader reader, ReadState state)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(Candidates))
            {
                reader.Read();
                ReadCandidates(ref reader, state);
            }
            else if (Is(ref reader, UsageMetadata, UsageMetadataSnake))
            {
                reader.Read();
                state.Usage = ReadUsage(ref reader);
            }
            else if (Is(ref reader, PromptFeedback, PromptFeedbackSnake))
            {
                reader.Read();
                ReadPromptFeedback(ref reader, state);
            }
            else if (Is(ref reader, ModelVersion, ModelVersionSnake))
            {
                reader.Read();
                state.ModelVersion = ReadOptionalString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadCandidates(ref Utf8JsonReader reader, ReadState state)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (first && reader.TokenType == JsonTokenType.StartObject)
            {
                ReadCandidate(ref reader, state);
            }
            else
            {
                reader.Skip();
            }

            first = false;
        }
    }

    private static void ReadCandidate(ref Utf8JsonReader reader, ReadState state)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(Content))
            {
                reader.Read();
                ReadContent(ref reader, state);
            }
            else if (Is(ref reader, FinishReason, FinishReasonSnake))
            {
                reader.Read();
                state.FinishReason = ReadOptionalString(ref reader);
            }
            else if (Is(ref reader, FinishMessage, FinishMessageSnake))
            {
                reader.Read();
                state.FinishMessage = ReadOptionalString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadContent(ref Utf8JsonReader reader, ReadState state)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(Parts))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadPart(ref reader, state);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>
    /// One part. Whether it is a thought is only known at its end (<c>thought</c> may follow
    /// <c>inlineData</c>), so the image is only located here (token offsets) and decoded later, once.
    /// </summary>
    private static void ReadPart(ref Utf8JsonReader reader, ReadState state)
    {
        string? text = null;
        var thought = false;
        ImageLocation? image = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(Text))
            {
                reader.Read();
                text = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals(Thought))
            {
                reader.Read();
                thought = reader.TokenType == JsonTokenType.True;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
            else if (Is(ref reader, InlineData, InlineDataSnake))
            {
                reader.Read();
                image = ReadInlineData(ref reader) ?? image;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (image is { } located)
        {
            state.ImageCount++;
            if (!thought)
            {
                state.FinalImage = located;
            }
        }

        if (text is not null && !thought)
        {
            (state.Text ??= new StringBuilder()).Append(text);
        }
    }

    private static ImageLocation? ReadInlineData(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? mimeType = null;
        var found = false;
        long start = 0;
        var length = 0;
        var escaped = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (Is(ref reader, MimeType, MimeTypeSnake))
            {
                reader.Read();
                mimeType = ReadOptionalString(ref reader);
            }
            else if (reader.ValueTextEquals(Data))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    found = true;
                    // TokenStartIndex points at the opening quote; the raw (possibly escaped) value follows.
                    start = reader.TokenStartIndex + 1;
                    length = reader.ValueSpan.Length;
                    escaped = reader.ValueIsEscaped;
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return found
            ? new ImageLocation(string.IsNullOrEmpty(mimeType) ? UnknownMimeType : mimeType, checked((int)start), length, escaped)
            : null;
    }

    private static GeminiUsage? ReadUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        long prompt = 0, candidates = 0, thoughts = 0, image = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (Is(ref reader, PromptTokenCount, PromptTokenCountSnake))
            {
                reader.Read();
                prompt = ReadCount(ref reader);
            }
            else if (Is(ref reader, CandidatesTokenCount, CandidatesTokenCountSnake))
            {
                reader.Read();
                candidates = ReadCount(ref reader);
            }
            else if (Is(ref reader, ThoughtsTokenCount, ThoughtsTokenCountSnake))
            {
                reader.Read();
                thoughts = ReadCount(ref reader);
            }
            else if (Is(ref reader, CandidatesTokensDetails, CandidatesTokensDetailsSnake))
            {
                reader.Read();
                image = ReadImageTokens(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new GeminiUsage(prompt, candidates, thoughts, image);
    }

    /// <summary>Sums the IMAGE entries of a ModalityTokenCount array (Google sends at most one).</summary>
    private static long ReadImageTokens(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return 0;
        }

        long total = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var isImage = false;
            long count = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(Modality))
                {
                    reader.Read();
                    isImage = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("IMAGE"u8);
                    reader.Skip();
                }
                else if (Is(ref reader, TokenCount, TokenCountSnake))
                {
                    reader.Read();
                    count = ReadCount(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (isImage)
            {
                total += count;
            }
        }

        return total;
    }

    private static void ReadPromptFeedback(ref Utf8JsonReader reader, ReadState state)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (Is(ref reader, BlockReason, BlockReasonSnake))
            {
                reader.Read();
                state.BlockReason = ReadOptionalString(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>A count as a JSON number, or as a string (protobuf JSON writes 64-bit integers as strings).</summary>
    private static long ReadCount(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetInt64(out var n) ? Math.Max(0, n) : 0;
            case JsonTokenType.String:
                return long.TryParse(reader.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 0;
            default:
                reader.Skip();
                return 0;
        }
    }

    private static string? ReadOptionalString(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    /// <summary>
    /// Decodes the located base64 string. Returns null when it is not valid base64 (the image then
    /// counts as absent rather than handing out corrupt bytes).
    /// </summary>
    internal static GeminiImage? DecodeImage(ReadOnlySpan<byte> json, ImageLocation location)
    {
        var raw = json.Slice(location.Start, location.Length);
        if (!location.Escaped)
        {
            var data = DecodeBase64(raw);
            return data is null ? null : new GeminiImage(location.MimeType, data);
        }

        // Escaped strings (e.g. "\/" or "\u003d") are rare: unescape into a pooled buffer first.
        // Unescaping never makes the string longer.
        var rented = ArrayPool<byte>.Shared.Rent(raw.Length);
        try
        {
            var written = Unescape(raw, rented);
            if (written < 0)
            {
                return null;
            }

            var data = DecodeBase64(rented.AsSpan(0, written));
            return data is null ? null : new GeminiImage(location.MimeType, data);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int Unescape(ReadOnlySpan<byte> raw, byte[] destination)
    {
        // Re-reading the single string token lets System.Text.Json do the unescaping (all escape forms).
        var quoted = ArrayPool<byte>.Shared.Rent(raw.Length + 2);
        try
        {
            quoted[0] = (byte)'"';
            raw.CopyTo(quoted.AsSpan(1));
            quoted[raw.Length + 1] = (byte)'"';
            var reader = new Utf8JsonReader(quoted.AsSpan(0, raw.Length + 2));
            reader.Read();
            return reader.CopyString(destination);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return -1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(quoted);
        }
    }

    private static byte[]? DecodeBase64(ReadOnlySpan<byte> base64)
    {
        var padding = base64.Length > 0 && base64[^1] == '=' ? (base64.Length > 1 && base64[^2] == '=' ? 2 : 1) : 0;
        var expected = Base64.GetMaxDecodedFromUtf8Length(base64.Length) - padding;
        if (base64.Length % 4 == 0 && expected >= 0)
        {
            // Uninitialized: the decode writes every byte (a short write is copied out below), and zeroing a 1-4 MB
            // image first was a memset of its own: 1.75 % of the gateway's samples in the tasks end-to-end profile.
            var exact = GC.AllocateUninitializedArray<byte>(expected);
            var status = Base64.DecodeFromUtf8(base64, exact, out _, out var written);
            if (status == OperationStatus.Done)
            {
                return written == exact.Length ? exact : exact.AsSpan(0, written).ToArray();
            }
        }

        return DecodeLenient(base64);
    }

    /// <summary>Protobuf JSON parsers also accept URL-safe and unpadded base64; so do we, on a slow path.</summary>
    private static byte[]? DecodeLenient(ReadOnlySpan<byte> base64)
    {
        var rented = ArrayPool<byte>.Shared.Rent(base64.Length + 3);
        try
        {
            var n = 0;
            foreach (var b in base64)
            {
                switch (b)
                {
                    case (byte)'-': rented[n++] = (byte)'+'; break;
                    case (byte)'_': rented[n++] = (byte)'/'; break;
                    case (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t': break;
                    default: rented[n++] = b; break;
                }
            }

            while (n % 4 != 0)
            {
                rented[n++] = (byte)'=';
            }

            var output = GC.AllocateUninitializedArray<byte>(Base64.GetMaxDecodedFromUtf8Length(n));
            var status = Base64.DecodeFromUtf8(rented.AsSpan(0, n), output, out _, out var written);
            if (status != OperationStatus.Done)
            {
                return null;
            }

            return written == output.Length ? output : output.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Mutable scratch state of one read.</summary>
    private sealed class ReadState
    {
        public GeminiUsage? Usage { get; set; }
        public string? FinishReason { get; set; }
        public string? FinishMessage { get; set; }
        public string? BlockReason { get; set; }
        public StringBuilder? Text { get; set; }
        public ImageLocation? FinalImage { get; set; }
        public int ImageCount { get; set; }
        public string? ModelVersion { get; set; }
    }
}
