using System.Text;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Tests.Gemini;

public class GeminiEventRelayTests
{
    private static readonly IReadOnlyList<byte[]> Recorded = GoogleRecordings.Response(GoogleRecordings.ImageStream).Segments;

    [Theory]
    [InlineData(1, "\r\n")]
    [InlineData(7, "\n")]
    [InlineData(4096, "\r")]
    [InlineData(65536, "\r\n")]
    [InlineData(int.MaxValue, "\n")]
    public async Task The_recorded_stream_comes_out_byte_for_byte_with_each_events_summary_in_any_chunking(int chunk, string newline)
    {
        Assert.True(Recorded.Count >= 2 && Recorded.Max(e => e.Length) > 256 * 1024, "the recording must be a real image stream");
        var wire = Sse(newline, [.. Recorded.Select(e => Encoding.UTF8.GetString(e))], comment: true);

        var (events, summaries, failure, flushes) = await RelayAsync(wire, chunk);

        Assert.Null(failure);
        Assert.Equal(Recorded.Count, events.Count);
        for (var i = 0; i < Recorded.Count; i++)
        {
            Assert.Equal(Recorded[i], events[i]);
            var whole = GeminiResponseReader.Read(Recorded[i], decodeImage: false)!;
            Assert.Equal((whole.Usage, whole.FinishReason, whole.ImageCount), (summaries[i].Usage, summaries[i].FinishReason, summaries[i].ImageCount));
        }

        Assert.Equal(1, summaries.Sum(s => s.ImageCount));
        // One flush point per upstream read (the relay reads at most 64 KB at a time).
        Assert.Equal((int)Math.Ceiling(wire.Length / (double)Math.Min(chunk, 64 * 1024)), flushes);
    }

    [Fact]
    public async Task Data_lines_of_one_event_are_joined_and_other_fields_dropped()
    {
        var wire = Encoding.UTF8.GetBytes("event: message\nid: 7\ndata: {\"candidates\":\ndata:[]}\n\ndata\n\n");

        var (events, _, failure, _) = await RelayAsync(wire, 3);

        // The second event ("data" alone) is empty: not a JSON object.
        Assert.Equal("{\"candidates\":\n[]}", Encoding.UTF8.GetString(events[0]));
        Assert.Equal(UpstreamFailureKind.Malformed, failure?.Kind);
        Assert.Single(events);
    }

    [Theory]
    [InlineData("data: {\"candidates\":[]}\n\ndata: {\"candidates\":[\u0001]}\n\n", "not one JSON object")]
    [InlineData("data: {\"candidates\":[]}\n\ndata: {\"candidates\":[", "ended inside an event")]
    public async Task An_event_that_breaks_fails_after_the_whole_events_before_it(string stream, string problem)
    {
        var (events, summaries, failure, _) = await RelayAsync(Encoding.UTF8.GetBytes(stream), 5);

        Assert.Single(events);
        Assert.Single(summaries);
        Assert.Equal(UpstreamFailureKind.Malformed, failure!.Kind);
        Assert.Contains(problem, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_whose_blank_line_never_came_still_ends_with_the_stream()
    {
        var (events, _, failure, _) = await RelayAsync(Encoding.UTF8.GetBytes("data: {\"a\":1}\n\ndata: {\"b\":2}"), 4);

        Assert.Null(failure);
        Assert.Equal(["{\"a\":1}", "{\"b\":2}"], events.Select(e => Encoding.UTF8.GetString(e)));
    }

    [Fact]
    public async Task An_event_over_the_limit_is_malformed()
    {
        var (events, _, failure, _) = await RelayAsync(Encoding.UTF8.GetBytes("data: {\"a\":\"" + new string('x', 100) + "\"}\n\n"), 16, maxEventBytes: 64);

        Assert.Empty(events);
        Assert.Equal(UpstreamFailureKind.Malformed, failure!.Kind);
        Assert.Contains("exceeds 64 bytes", failure.Message, StringComparison.Ordinal);
    }

    private static byte[] Sse(string newline, string[] events, bool comment)
    {
        var text = new StringBuilder();
        if (comment)
        {
            text.Append(": keep-alive").Append(newline);
        }

        foreach (var e in events)
        {
            text.Append("data: ").Append(e).Append(newline).Append(newline);
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Relays <paramref name="wire"/> delivered in reads of at most <paramref name="chunk"/> bytes; the events as the pieces rebuild them.</summary>
    private static async Task<(List<byte[]> Events, List<GeminiResponseSummary> Summaries, UpstreamFailure? Failure, int Flushes)> RelayAsync(byte[] wire, int chunk, int maxEventBytes = 64 << 20)
    {
        using var content = new StreamContent(new ChunkedStream(wire, chunk));
        using var relay = new GeminiEventRelay(content, e => new UpstreamFailure(UpstreamFailureKind.Unavailable, e.Message), (_, _) => { }, maxEventBytes, CancellationToken.None, CancellationToken.None);
        var events = new List<byte[]>();
        var summaries = new List<GeminiResponseSummary>();
        var current = new MemoryStream();
        var flushes = 0;
        var inEvent = false;
        try
        {
            while (true)
            {
                var piece = await relay.ReadAsync();
                switch (piece.Kind)
                {
                    case StreamPieceKind.EventStart:
                        Assert.False(inEvent);
                        inEvent = true;
                        current.SetLength(0);
                        break;
                    case StreamPieceKind.Data:
                        Assert.True(inEvent);
                        Assert.False(piece.Data.IsEmpty);
                        current.Write(piece.Data.Span);
                        break;
                    case StreamPieceKind.LineBreak:
                        current.WriteByte((byte)'\n');
                        break;
                    case StreamPieceKind.EventEnd:
                        Assert.True(inEvent);
                        inEvent = false;
                        events.Add(current.ToArray());
                        summaries.Add(piece.Summary!);
                        break;
                    case StreamPieceKind.Flush:
                        flushes++;
                        break;
                    case StreamPieceKind.End:
                        Assert.False(inEvent);
                        Assert.Equal(StreamPieceKind.End, (await relay.ReadAsync()).Kind);
                        return (events, summaries, null, flushes);
                }
            }
        }
        catch (UpstreamException e)
        {
            return (events, summaries, e.Failure, flushes);
        }
    }

    /// <summary>A stream that returns at most <c>chunk</c> bytes per read, as a network would.</summary>
    private sealed class ChunkedStream(byte[] bytes, int chunk) : MemoryStream(bytes, writable: false)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, chunk), cancellationToken);
    }
}
