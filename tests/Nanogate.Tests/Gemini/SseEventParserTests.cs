using System.Text;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Tests.Gemini;

public class SseEventParserTests
{
    private static List<string> Parse(string stream, int chunkSize)
    {
        var bytes = Encoding.UTF8.GetBytes(stream);
        var events = new List<string>();
        using var parser = new SseEventParser(1024 * 1024);
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            var chunk = bytes.AsSpan(offset, Math.Min(chunkSize, bytes.Length - offset));
            while (!chunk.IsEmpty)
            {
                var completed = parser.Feed(chunk, out var consumed);
                chunk = chunk[consumed..];
                if (completed)
                {
                    events.Add(Encoding.UTF8.GetString(parser.Event.Span));
                }
            }
        }

        if (parser.Complete())
        {
            events.Add(Encoding.UTF8.GetString(parser.Event.Span));
        }

        return events;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Events_split_anywhere_parse_the_same(int chunkSize)
    {
        const string stream = "data: {\"a\":1}\r\n\r\ndata: {\"b\":2}\n\n: keep-alive\n\nevent: message\nid: 7\ndata: line one\ndata:line two\nretry: 10\n\ndata\n\n";

        var events = Parse(stream, chunkSize);

        Assert.Equal(["{\"a\":1}", "{\"b\":2}", "line one\nline two", ""], events);
    }

    [Fact]
    public void Comments_alone_make_no_event()
    {
        Assert.Empty(Parse(": ping\n\n:\r\n\r\n", 5));
    }

    [Fact]
    public void Final_event_without_blank_line_is_kept_but_a_cut_line_is_dropped()
    {
        Assert.Equal(["{\"a\":1}"], Parse("data: {\"a\":1}\n", 4));
        Assert.Empty(Parse("data: {\"a\":", 4));
    }

    [Fact]
    public void Only_one_leading_space_is_removed_and_carriage_returns_inside_lines_stay()
    {
        Assert.Equal(["  x", "a\rb"], Parse("data:   x\n\ndata: a\rb\r\n\r\n", 1));
    }

    [Fact]
    public void Fields_that_only_start_like_data_are_ignored()
    {
        Assert.Equal(["kept"], Parse("dat: no\ndatax: no\ndata: kept\n\n", 3));
    }

    [Fact]
    public void An_oversized_event_is_refused()
    {
        using var parser = new SseEventParser(10);
        Assert.Throws<InvalidDataException>(() => parser.Feed(Encoding.UTF8.GetBytes("data: 0123456789ABC\n\n"), out _));
    }
}
