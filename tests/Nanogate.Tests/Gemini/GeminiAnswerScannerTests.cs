using System.Text;
using System.Text.Json;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Tests.Gemini;

public class GeminiAnswerScannerTests
{
    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>Feeds the bytes in chunks of <paramref name="chunk"/>; null when refused.</summary>
    private static GeminiResponseSummary? Scan(byte[] bytes, int chunk)
    {
        using var scanner = new GeminiAnswerScanner();
        for (var i = 0; i < bytes.Length; i += chunk)
        {
            if (!scanner.Feed(bytes.AsSpan(i, Math.Min(chunk, bytes.Length - i))))
            {
                Assert.NotNull(scanner.Problem);
                return null;
            }
        }

        return scanner.Complete();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    [InlineData(65536)]
    [InlineData(int.MaxValue)]
    public void The_recorded_image_answer_summarises_like_the_whole_body_reader_in_any_chunking(int chunk)
    {
        var body = GoogleRecordings.Response(GoogleRecordings.ImageResponse).Segments[0];
        var whole = GeminiResponseReader.Read(body, decodeImage: false)!;

        var scanned = Scan(body, Math.Min(chunk, body.Length));

        Assert.NotNull(scanned);
        Assert.Equal(new GeminiUsage(10, 1341, 0, 1290), scanned.Usage);
        Assert.Equal((whole.Usage, whole.FinishReason, whole.ImageCount, whole.ModelVersion, whole.Text), (scanned.Usage, scanned.FinishReason, scanned.ImageCount, scanned.ModelVersion, scanned.Text));
    }

    [Fact]
    public void Long_strings_are_dropped_from_the_summary_but_short_ones_and_escapes_kept()
    {
        var longText = new string('x', GeminiAnswerScanner.MaxKeptStringBytes + 1);
        var json = Utf8($$$"""{"candidates":[{"content":{"parts":[{"text":"{{{longText}}}"},{"text":"a\"b\u00e9\\"},{"inlineData":{"mimeType":"image/png","data":"iVBO"}}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":"12","candidatesTokenCount":1300,"candidatesTokensDetails":[{"modality":"IMAGE","tokenCount":1290}]}}""");

        var summary = Scan(json, 3);

        Assert.NotNull(summary);
        Assert.Equal("a\"b\u00e9\\", summary.Text);
        Assert.Equal(1, summary.ImageCount);
        Assert.Equal(new GeminiUsage(12, 1300, 0, 1290), summary.Usage);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1}{}")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{\"a\":01}")]
    [InlineData("{\"a\":1.}")]
    [InlineData("{\"a\":-}")]
    [InlineData("{\"a\":1e}")]
    [InlineData("{\"a\":tru}")]
    [InlineData("{\"a\":nul}")]
    [InlineData("{\"a\":True}")]
    [InlineData("{\"a\" 1}")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":[1,]}")]
    [InlineData("{\"a\":[1}")]
    [InlineData("{\"a\":{]}")]
    [InlineData("{\"a\":\"\\x\"}")]
    [InlineData("{\"a\":\"\\u12G4\"}")]
    [InlineData("{\"a\":\"tab\there\"}")]
    [InlineData("{\"a\":\"unterminated}")]
    [InlineData("{\"a\":'single'}")]
    [InlineData("{\"a\":1}\u0000")]
    public void Anything_that_is_not_one_json_object_is_refused_in_any_chunking(string text)
    {
        var bytes = Utf8(text);
        foreach (var chunk in new[] { 1, 2, 5, Math.Max(1, bytes.Length) })
        {
            Assert.Null(Scan(bytes, chunk));
        }

        // The scanner agrees with System.Text.Json about every case here (none of them is one valid object).
        Assert.False(IsOneObject(bytes));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData(" \r\n\t{ \"a\" : [ 1 , -0.5e+3 , 2E-2 , true , false , null , { } , [ ] , \"\\u00e9\\n\\/\" ] } \n")]
    [InlineData("{\"nested\":[[[[{\"x\":0}]]]],\"empty\":\"\"}")]
    [InlineData("{\"é\":\"日本語 🎨\"}")]
    public void Valid_objects_are_accepted_in_any_chunking(string text)
    {
        var bytes = Utf8(text);
        Assert.True(IsOneObject(bytes));
        foreach (var chunk in new[] { 1, 2, 3, 5, bytes.Length })
        {
            Assert.NotNull(Scan(bytes, chunk));
        }
    }

    [Fact]
    public void Invalid_utf8_is_refused_even_when_a_sequence_straddles_two_chunks()
    {
        var valid = Utf8("{\"a\":\"日本\"}");
        Assert.NotNull(Scan(valid, 1));

        var broken = (byte[])valid.Clone();
        broken[7] = 0x41; // the second byte of 日 becomes ASCII: a cut sequence (Utf8JsonReader lets it by; RFC 8259 does not)
        Assert.Null(Scan(broken, 1));
        Assert.Null(Scan(broken, 7));
        Assert.Null(Scan(broken, broken.Length));
    }

    [Fact]
    public void Utf8_in_strings_is_judged_as_the_runtime_judges_it_in_any_chunking()
    {
        // Whatever the chunking (a sequence cut by a chunk waits for the next one), the scanner's verdict is
        // System.Text.Unicode.Utf8.IsValid's over the whole body. Random texts from valid pieces (1 to 4 bytes, DEL, a run long enough to be elided from the skeleton) and invalid ones (a lone
        // continuation, overlongs, a surrogate, past U+10FFFF, bytes never valid, sequences cut short by ASCII).
        byte[][] valid = [[(byte)'a'], "é"u8.ToArray(), "日"u8.ToArray(), "🎨"u8.ToArray(), [0x7F], "ÿ"u8.ToArray(), [.. Enumerable.Repeat((byte)'x', 1500)]];
        byte[][] invalid = [[0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5], [0xFF], [0xE6, 0x97, (byte)'a'], [0xC3, (byte)'b'], [0xF0, 0x9F, 0x8E]];
        var random = new Random(17);
        int accepted = 0, refused = 0;
        for (var n = 0; n < 3_000; n++)
        {
            var text = new List<byte>();
            for (var k = random.Next(1, 12); k > 0; k--)
            {
                text.AddRange(random.Next(8) == 0 ? invalid[random.Next(invalid.Length)] : valid[random.Next(valid.Length)]);
            }

            byte[] body = [.. "{\"a\":\""u8, .. text, .. "\",\"b\":1}"u8];
            var expected = System.Text.Unicode.Utf8.IsValid(body);
            _ = expected ? accepted++ : refused++;
            foreach (var chunk in new[] { 1, 2, 3, random.Next(1, body.Length + 1), body.Length })
            {
                Assert.True(expected == Scan(body, chunk) is not null, $"chunks of {chunk}: {Convert.ToHexString(text.ToArray())} should be {(expected ? "accepted" : "refused")}");
            }
        }

        // Both verdicts came up often (the seed is fixed, so this only guards against a generator that stopped mixing).
        Assert.InRange(accepted, 500, 2_500);
        Assert.InRange(refused, 500, 2_500);
    }

    [Fact]
    public void Nesting_deeper_than_64_levels_is_refused()
    {
        var deep = Utf8("{\"a\":" + new string('[', 64) + new string(']', 64) + "}");
        Assert.Null(Scan(deep, 10));
        var fine = Utf8("{\"a\":" + new string('[', 63) + new string(']', 63) + "}");
        Assert.NotNull(Scan(fine, 10));
    }

    [Fact]
    public void A_huge_structure_outside_strings_is_refused_rather_than_kept()
    {
        var many = Utf8("{\"a\":[" + string.Join(',', Enumerable.Repeat("123456789", 100_000)) + "]}");
        using var scanner = new GeminiAnswerScanner(maxSkeletonBytes: 64 * 1024);
        Assert.False(scanner.Feed(many));
        Assert.Contains("exceeds", scanner.Problem, StringComparison.Ordinal);
        Assert.Null(scanner.Complete());
    }

    private static bool IsOneObject(byte[] bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
