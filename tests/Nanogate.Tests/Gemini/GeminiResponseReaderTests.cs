using System.Text;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Tests.Gemini;

public class GeminiResponseReaderTests
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public void Recorded_image_response_yields_usage_text_and_the_png_as_sent()
    {
        var (_, segments) = GoogleRecordings.Response(GoogleRecordings.ImageResponse);
        var body = Assert.Single(segments);
        var (images, texts) = GoogleRecordings.PartsOf(body);

        var summary = GeminiResponseReader.Read(body);

        Assert.NotNull(summary);
        Assert.Equal(new GeminiUsage(10, 1341, 0, 1290), summary.Usage);
        Assert.Equal(1290, summary.Usage!.ImageOutputTokens);
        Assert.Equal("STOP", summary.FinishReason);
        Assert.Null(summary.BlockReason);
        Assert.Equal("gemini-2.0-flash-preview-image-generation", summary.ModelVersion);
        Assert.Equal(string.Concat(texts), summary.Text);
        Assert.StartsWith("I will generate an image of a fluffy", summary.Text, StringComparison.Ordinal);
        Assert.Equal(1, summary.ImageCount);
        var image = Assert.IsType<GeminiImage>(summary.FinalImage);
        Assert.Equal(images[0].MimeType, image.MimeType);
        Assert.Equal(PngSignature, image.Data.AsSpan(0, 8).ToArray());
        Assert.Equal(images[0].Data, image.Data);
    }

    [Fact]
    public void Recorded_stream_folded_through_the_accumulator_gives_the_image_and_final_usage()
    {
        var (_, segments) = GoogleRecordings.Response(GoogleRecordings.ImageStream);
        var accumulator = new GeminiStreamAccumulator();
        var expectedText = new StringBuilder();
        (string MimeType, byte[] Data)? expectedImage = null;
        foreach (var segment in segments)
        {
            var (images, texts) = GoogleRecordings.PartsOf(segment);
            texts.ForEach(t => expectedText.Append(t));
            if (images.Count > 0)
            {
                expectedImage = images[^1];
            }

            Assert.True(accumulator.Add(segment));
        }

        var summary = accumulator.Result;
        Assert.Equal(5, accumulator.EventCount);
        Assert.Equal(new GeminiUsage(10, 1319, 0, 1290), summary.Usage);
        Assert.Equal("STOP", summary.FinishReason);
        Assert.Equal(expectedText.ToString(), summary.Text);
        Assert.Equal(1, summary.ImageCount);
        Assert.NotNull(expectedImage);
        var image = Assert.IsType<GeminiImage>(summary.FinalImage);
        Assert.Equal(expectedImage.Value.MimeType, image.MimeType);
        Assert.Equal(PngSignature, image.Data.AsSpan(0, 8).ToArray());
        Assert.Equal(expectedImage.Value.Data, image.Data);
    }

    [Fact]
    public void Recorded_image_without_decoding_keeps_the_mime_type_and_empty_data()
    {
        var (_, segments) = GoogleRecordings.Response(GoogleRecordings.ImageResponse);

        var summary = GeminiResponseReader.Read(segments[0], decodeImage: false);

        Assert.NotNull(summary?.FinalImage);
        Assert.Equal("image/png", summary.FinalImage.MimeType);
        Assert.Empty(summary.FinalImage.Data);
        Assert.Equal(1, summary.ImageCount);
    }

    [Fact]
    public void Thought_images_and_thought_text_are_skipped()
    {
        var json = Utf8("""
            {"candidates":[{"content":{"role":"model","parts":[
              {"text":"planning","thought":true},
              {"inlineData":{"mimeType":"image/png","data":"AAEC"},"thought":true},
              {"text":"Here it is.","thoughtSignature":"c2ln"},
              {"inlineData":{"mimeType":"image/jpeg","data":"/9j/"},"thoughtSignature":"c2ln"}]},
              "finishReason":"STOP","index":0}],
             "usageMetadata":{"promptTokenCount":270,"candidatesTokenCount":1790,"thoughtsTokenCount":337,"totalTokenCount":2397,
               "candidatesTokensDetails":[{"modality":"IMAGE","tokenCount":1680}]},
             "modelVersion":"gemini-3.1-flash-image"}
            """);

        var summary = GeminiResponseReader.Read(json);

        Assert.NotNull(summary);
        Assert.Equal("Here it is.", summary.Text);
        Assert.Equal(2, summary.ImageCount);
        Assert.Equal("image/jpeg", summary.FinalImage?.MimeType);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, summary.FinalImage?.Data);
        Assert.Equal(new GeminiUsage(270, 1790, 337, 1680), summary.Usage);
        Assert.Equal(1790 - 1680 + 337, summary.Usage?.TextOutputTokens);
    }

    [Fact]
    public void Thought_flag_after_inline_data_still_marks_a_draft()
    {
        var json = Utf8("""
            {"candidates":[{"content":{"parts":[
              {"inlineData":{"data":"AQID","mimeType":"image/png"}},
              {"inlineData":{"data":"BAUG","mimeType":"image/webp"},"thought":true}]}}]}
            """);

        var summary = GeminiResponseReader.Read(json);

        Assert.NotNull(summary);
        Assert.Equal(2, summary.ImageCount);
        Assert.Equal("image/png", summary.FinalImage?.MimeType);
        Assert.Equal(new byte[] { 1, 2, 3 }, summary.FinalImage?.Data);
    }

    [Fact]
    public void Snake_case_inline_data_and_mime_type_are_read()
    {
        var json = Utf8("""{"candidates":[{"content":{"parts":[{"inline_data":{"mime_type":"image/jpeg","data":"/9j/"}}]},"finish_reason":"STOP"}]}""");

        var summary = GeminiResponseReader.Read(json);

        Assert.Equal("image/jpeg", summary?.FinalImage?.MimeType);
        Assert.Equal(new byte[] { 0xFF, 0xD8, 0xFF }, summary?.FinalImage?.Data);
        Assert.Equal("STOP", summary?.FinishReason);
    }

    [Fact]
    public void Escaped_base64_is_unescaped_before_decoding()
    {
        // "/9j/" with the slashes escaped two ways; "+" as a unicode escape.
        var json = Utf8("""{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image\/jpeg","data":"\/9j\u002f+A=="}}]}}]}""");

        var summary = GeminiResponseReader.Read(json);

        Assert.Equal("image/jpeg", summary?.FinalImage?.MimeType);
        Assert.Equal(Convert.FromBase64String("/9j/+A=="), summary?.FinalImage?.Data);
    }

    [Fact]
    public void Image_without_mime_type_is_not_assumed_to_be_png()
    {
        var summary = GeminiResponseReader.Read(Utf8("""{"candidates":[{"content":{"parts":[{"inlineData":{"data":"AAEC"}}]}}]}"""));

        Assert.Equal("application/octet-stream", summary?.FinalImage?.MimeType);
    }

    [Fact]
    public void Unknown_fields_are_skipped_even_when_they_look_like_known_ones()
    {
        var json = Utf8("""
            {"sdkHttpResponse":{"headers":{"x":"y"}},
             "candidates":[{"safetyRatings":[{"category":"HARM","probability":"NEGLIGIBLE"}],
               "citationMetadata":{"parts":[{"text":"not a part"}]},
               "content":{"parts":[{"text":"hi","videoMetadata":{"fps":1},"inlineData":null}]},"avgLogprobs":-0.3}],
             "usageMetadata":{"promptTokensDetails":[{"modality":"IMAGE","tokenCount":999}],"promptTokenCount":"12","cacheTokensDetails":[]},
             "responseId":"abc"}
            """);

        var summary = GeminiResponseReader.Read(json);

        Assert.NotNull(summary);
        Assert.Equal("hi", summary.Text);
        Assert.Null(summary.FinalImage);
        Assert.Equal(0, summary.ImageCount);
        Assert.Equal(new GeminiUsage(12, 0, 0, 0), summary.Usage);
    }

    [Fact]
    public void Only_the_first_candidate_counts()
    {
        var summary = GeminiResponseReader.Read(Utf8("""{"candidates":[{"content":{"parts":[{"text":"one"}]},"finishReason":"STOP"},{"content":{"parts":[{"text":"two"},{"inlineData":{"mimeType":"image/png","data":"AAEC"}}]},"finishReason":"SAFETY"}]}"""));

        Assert.Equal("one", summary?.Text);
        Assert.Equal("STOP", summary?.FinishReason);
        Assert.Null(summary?.FinalImage);
    }

    [Fact]
    public void Truncated_recorded_response_is_null_at_every_cut()
    {
        var body = GoogleRecordings.Response(GoogleRecordings.ImageResponse).Segments[0];

        foreach (var cut in new[] { 0, 1, 20, 200, body.Length / 2, body.Length - 200, body.Length - 2, body.Length - 1 })
        {
            Assert.Null(GeminiResponseReader.Read(body.AsSpan(0, cut)));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("garbage")]
    [InlineData("<html>502 Bad Gateway</html>")]
    [InlineData("[{\"candidates\":[]}]")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("{\"candidates\":[]} {\"candidates\":[]}")]
    [InlineData("{\"candidates\":[]}x")]
    [InlineData("{\"candidates\":[],}")]
    [InlineData("{\"a\":1 /* comment */}")]
    public void Anything_but_one_complete_object_is_null(string text)
    {
        Assert.Null(GeminiResponseReader.Read(Utf8(text)));
        Assert.False(new GeminiStreamAccumulator().Add(Utf8(text)));
    }

    [Fact]
    public void Whitespace_around_the_object_is_fine()
    {
        Assert.NotNull(GeminiResponseReader.Read(Utf8("\r\n  {\"candidates\":[]}  \n")));
    }

    [Fact]
    public void Image_safety_block_has_the_reason_and_no_image()
    {
        var json = Utf8("""
            {"candidates":[{"content":{"role":"model"},"finishReason":"IMAGE_SAFETY","finishMessage":"Unable to show the generated image.","index":0}],
             "usageMetadata":{"promptTokenCount":12,"totalTokenCount":12},"modelVersion":"gemini-3.1-flash-lite-image"}
            """);

        var summary = GeminiResponseReader.Read(json);

        Assert.NotNull(summary);
        Assert.Equal("IMAGE_SAFETY", summary.FinishReason);
        Assert.Equal("Unable to show the generated image.", summary.FinishMessage);
        Assert.Null(summary.FinalImage);
        Assert.Equal(0, summary.ImageCount);
        Assert.Equal("", summary.Text);
        Assert.Equal(new GeminiUsage(12, 0, 0, 0), summary.Usage);
    }

    [Fact]
    public void Blocked_prompt_has_the_block_reason_and_no_candidates()
    {
        var json = Utf8("""{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT","safetyRatings":[]},"usageMetadata":{"promptTokenCount":7,"totalTokenCount":7},"modelVersion":"gemini-3.1-flash-image"}""");

        var summary = GeminiResponseReader.Read(json);

        Assert.NotNull(summary);
        Assert.Equal("PROHIBITED_CONTENT", summary.BlockReason);
        Assert.Null(summary.FinishReason);
        Assert.Null(summary.FinalImage);
        Assert.Equal(7, summary.Usage?.PromptTokens);
    }

    [Fact]
    public void Invalid_base64_counts_as_no_image_rather_than_corrupt_bytes()
    {
        var summary = GeminiResponseReader.Read(Utf8("""{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"not*base64!"}}]}}]}"""));

        Assert.NotNull(summary);
        Assert.Equal(1, summary.ImageCount);
        Assert.Null(summary.FinalImage);
    }

    [Fact]
    public void Url_safe_unpadded_base64_is_accepted()
    {
        var summary = GeminiResponseReader.Read(Utf8("""{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"_-8"}}]}}]}"""));

        Assert.Equal(new byte[] { 0xFF, 0xEF }, summary?.FinalImage?.Data);
    }

    [Fact]
    public void Accumulator_keeps_the_last_usage_and_the_last_final_image_across_events()
    {
        var accumulator = new GeminiStreamAccumulator();
        Assert.True(accumulator.Add(Utf8("""{"candidates":[{"content":{"parts":[{"text":"thinking","thought":true}]}}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":1}}""")));
        Assert.True(accumulator.Add(Utf8("""{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AAEC"},"thought":true}]}}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":2}}""")));
        Assert.True(accumulator.Add(Utf8("""{"candidates":[{"content":{"parts":[{"text":"Done"},{"inlineData":{"mimeType":"image/jpeg","data":"/9j/"}}]}}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":1125,"thoughtsTokenCount":40,"candidatesTokensDetails":[{"modality":"IMAGE","tokenCount":1120}]}}""")));
        Assert.False(accumulator.Add(Utf8("""{"candidates":[""")));
        Assert.True(accumulator.Add(Utf8("""{"candidates":[{"content":{"role":"model"},"finishReason":"STOP"}],"modelVersion":"m"}""")));

        var summary = accumulator.Result;
        Assert.Equal(4, accumulator.EventCount);
        Assert.Equal("Done", summary.Text);
        Assert.Equal(2, summary.ImageCount);
        Assert.Equal("image/jpeg", summary.FinalImage?.MimeType);
        Assert.Equal(new GeminiUsage(5, 1125, 40, 1120), summary.Usage);
        Assert.Equal("STOP", summary.FinishReason);
        Assert.Equal("m", summary.ModelVersion);
    }
}
