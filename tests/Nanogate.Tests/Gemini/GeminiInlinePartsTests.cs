using System.Text;
using System.Text.Json;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Tests.Gemini;

/// <summary>Finding, decoding and replacing the inline images of a GenerateContentRequest body.</summary>
public sealed class GeminiInlinePartsTests
{
    private static readonly string A = Convert.ToBase64String(Encoding.ASCII.GetBytes("first image bytes"));
    private static readonly string B = Convert.ToBase64String(Encoding.ASCII.GetBytes("the second, longer image bytes"));

    private static readonly string BEscaped = B.Replace("/", "\\/", StringComparison.Ordinal);

    private static readonly string Body = $$$$"""
        {"systemInstruction":{"parts":[{"inlineData":{"mimeType":"image/png","data":"{{{{A}}}}"}}]},
         "contents":[{"role":"user","parts":[{"text":"hi"},{"inlineData":{"mimeType":"image/png","data":"{{{{A}}}}"},"thought":false}]},
                     {"role":"user","parts":[{"inline_data":{"data":"{{{{BEscaped}}}}","mime_type":"image/jpeg"}}]}],
         "generationConfig":{"inlineData":{"data":"{{{{A}}}}"}}}
        """;

    [Fact]
    public void Only_the_parts_of_contents_are_found_in_either_spelling()
    {
        var parts = GeminiInlineParts.Find(Encoding.UTF8.GetBytes(Body));
        Assert.Equal(2, parts.Count);
        Assert.Equal(("contents[0].parts[1]", "image/png"), (parts[0].Path, parts[0].MimeType));
        Assert.Equal(("contents[1].parts[0]", "image/jpeg"), (parts[1].Path, parts[1].MimeType));
    }

    [Fact]
    public void Data_decodes_plain_or_escaped()
    {
        var bytes = Encoding.UTF8.GetBytes(Body);
        var parts = GeminiInlineParts.Find(bytes);
        var first = GeminiInlineParts.Decode(bytes, parts[0])!.Value;
        Assert.Equal("first image bytes", Encoding.ASCII.GetString(first.Rented, 0, first.Length));
        var second = GeminiInlineParts.Decode(bytes, parts[1])!.Value;
        Assert.Equal("the second, longer image bytes", Encoding.ASCII.GetString(second.Rented, 0, second.Length));
    }

    [Fact]
    public void Replacing_keeps_everything_else_byte_for_byte()
    {
        var bytes = Encoding.UTF8.GetBytes(Body);
        var parts = GeminiInlineParts.Find(bytes);
        var replaced = GeminiInlineParts.Replace(bytes, [(parts[1], "image/jpeg", "https://example.com/v1beta/files/b\"x")]);
        using var json = JsonDocument.Parse(replaced);
        var root = json.RootElement;
        var moved = root.GetProperty("contents")[1].GetProperty("parts")[0];
        Assert.False(moved.TryGetProperty("inline_data", out _));
        Assert.Equal("image/jpeg", moved.GetProperty("fileData").GetProperty("mimeType").GetString());
        Assert.Equal("https://example.com/v1beta/files/b\"x", moved.GetProperty("fileData").GetProperty("fileUri").GetString());

        // The other part keeps its inline image and its sibling property; the rest is untouched.
        var kept = root.GetProperty("contents")[0].GetProperty("parts")[1];
        Assert.Equal(A, kept.GetProperty("inlineData").GetProperty("data").GetString());
        Assert.False(kept.GetProperty("thought").GetBoolean());
        Assert.Equal(A, root.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("inlineData").GetProperty("data").GetString());
        Assert.Equal(A, root.GetProperty("generationConfig").GetProperty("inlineData").GetProperty("data").GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"contents":[{"parts":[{"text":"no images"}]}]}""")]
    [InlineData("""{"contents":[{"parts":[{"inlineData":{"mimeType":"image/png"}}]}]}""")]
    public void Bodies_without_inline_images_have_none(string body) =>
        Assert.Empty(GeminiInlineParts.Find(Encoding.UTF8.GetBytes(body)));
}
