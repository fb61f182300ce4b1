using System.Buffers;
using System.Runtime.CompilerServices;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Reads a streamGenerateContent SSE answer as it arrives and hands it out in pieces (event start, data bytes, event
/// end, flush points) without waiting for whole events: an image event is ~1.4 MB of base64 on one <c>data:</c> line,
/// and its first bytes can reach the caller while the rest is still on the wire. Each event's data goes through a
/// <see cref="GeminiAnswerScanner"/> on the way (strict JSON, UTF-8, the usage read from its skeleton at the end), so
/// a data piece is only handed out once it is known not to be invalid so far, and an <see cref="StreamPieceKind.EventEnd"/>
/// only once the whole event proved valid. SSE framing follows the spec: lines end in CRLF, LF or CR, comments and
/// fields other than <c>data</c> are dropped, several <c>data:</c> lines of one event are joined with a line feed.
/// One pooled 64 KB read buffer; the data pieces are slices of it.
/// </summary>
internal sealed class GeminiEventRelay : IUpstreamPieceSource
{
    private const int ReadBufferBytes = 64 * 1024;

    private static readonly SearchValues<byte> LineEnds = SearchValues.Create("\r\n"u8);
    private static readonly byte[] LineFeed = [(byte)'\n'];

    private readonly HttpContent _content;
    private readonly CancellationToken _token;
    private readonly CancellationToken _callerToken;
    private readonly Func<Exception, UpstreamFailure> _describe;
    private readonly Action<int, UpstreamFailureKind?> _log;
    private readonly int _maxEventBytes;
    private readonly GeminiAnswerScanner _scanner = new();
    private Stream? _stream;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ReadBufferBytes);
    private int _position;
    private int _count;
    private bool _handedOut = true;
    private bool _ended;
    private bool _eof;
    private Line _line = Line.Start;
    private bool _afterCr;
    private bool _inEvent;
    private SseFieldName _name;
    private long _eventBytes;
    private int _events;

    /// <summary>Creates a relay over an open 200 SSE response.</summary>
    /// <param name="content">The response's content (read as a stream on the first piece).</param>
    /// <param name="describe">Turns a transport fault into the failure to report.</param>
    /// <param name="log">Called once at the end: the events relayed and the failure, if any.</param>
    /// <param name="maxEventBytes">Largest event accepted; larger is <see cref="UpstreamFailureKind.Malformed"/>.</param>
    /// <param name="token">The call's time limit, linked to the caller's cancellation.</param>
    /// <param name="callerToken">The caller's cancellation: when it fires, reads throw <see cref="OperationCanceledException"/>.</param>
    public GeminiEventRelay(HttpContent content, Func<Exception, UpstreamFailure> describe, Action<int, UpstreamFailureKind?> log, int maxEventBytes, CancellationToken token, CancellationToken callerToken)
    {
        _content = content;
        _token = token;
        _callerToken = callerToken;
        _describe = describe;
        _log = log;
        _maxEventBytes = maxEventBytes;
    }

    private enum Line : byte
    {
        Start,      // a line begins
        Name,       // in a field name
        ValueStart, // after "data:": one optional space
        Data,       // in a data value
        Ignore,     // a comment or another field: skipped to the line's end
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<StreamPiece> ReadAsync()
    {
        if (_ended)
        {
            return new StreamPiece(StreamPieceKind.End);
        }

        if (_eof)
        {
            return Finish();
        }

        while (true)
        {
            if (_position == _count)
            {
                if (!_handedOut)
                {
                    // Everything of the last read went out: the caller flushes before we wait for the network.
                    _handedOut = true;
                    return new StreamPiece(StreamPieceKind.Flush);
                }

                _count = await ReadUpstreamAsync().ConfigureAwait(false);
                _position = 0;
                if (_count == 0)
                {
                    return EndOfStream();
                }

                _handedOut = false;
            }

            if (Step() is { } piece)
            {
                return piece;
            }
        }
    }

    /// <summary>Returns the pooled buffer and the scanner's skeleton.</summary>
    public void Dispose()
    {
        _scanner.Dispose();
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Consumes bytes of the buffer until a piece is due (or the buffer is used up: null).</summary>
    private StreamPiece? Step()
    {
        var span = _buffer.AsSpan(_position, _count - _position);
        if (_afterCr)
        {
            // A CR ended the last line; an LF right after it belongs to that line end.
            _afterCr = false;
            if (span[0] == '\n')
            {
                _position++;
                return null;
            }
        }

        switch (_line)
        {
            case Line.Start:
                {
                    var b = span[0];
                    _position++;
                    if (b is (byte)'\n' or (byte)'\r')
                    {
                        _afterCr = b == '\r';
                        return _inEvent ? EndEvent() : null; // a blank line dispatches the event
                    }

                    if (b == ':')
                    {
                        _line = Line.Ignore;
                        return null;
                    }

                    _line = Line.Name;
                    _name.Start(b);
                    return null;
                }

            case Line.Name:
                {
                    var b = span[0];
                    _position++;
                    if (b == ':')
                    {
                        if (_name.IsData)
                        {
                            _line = Line.ValueStart;
                            return BeginDataLine();
                        }

                        _line = Line.Ignore;
                        return null;
                    }

                    if (b is (byte)'\n' or (byte)'\r')
                    {
                        // A field name alone ("data") is an empty value.
                        _afterCr = b == '\r';
                        _line = Line.Start;
                        return _name.IsData ? BeginDataLine() : null;
                    }

                    _name.Append(b);
                    return null;
                }

            case Line.ValueStart:
                if (span[0] == ' ')
                {
                    _position++;
                }

                _line = Line.Data;
                return null;

            case Line.Data:
                {
                    var end = span.IndexOfAny(LineEnds);
                    var run = end < 0 ? span.Length : end;
                    var data = _buffer.AsMemory(_position, run);
                    _position += run;
                    if (end >= 0)
                    {
                        _afterCr = span[end] == '\r';
                        _position++;
                        _line = Line.Start;
                    }

                    return run == 0 ? null : Feed(data);
                }

            default:
                {
                    var end = span.IndexOfAny(LineEnds);
                    if (end < 0)
                    {
                        _position = _count;
                        return null;
                    }

                    _afterCr = span[end] == '\r';
                    _position += end + 1;
                    _line = Line.Start;
                    return null;
                }
        }
    }

    private StreamPiece BeginDataLine()
    {
        if (!_inEvent)
        {
            _inEvent = true;
            _eventBytes = 0;
            _scanner.Reset();
            return new StreamPiece(StreamPieceKind.EventStart);
        }

        // The next data line of the same event: its data is joined with a line feed (JSON whitespace).
        Feed(LineFeed);
        return new StreamPiece(StreamPieceKind.LineBreak);
    }

    private StreamPiece Feed(ReadOnlyMemory<byte> data)
    {
        _eventBytes += data.Length;
        if (_eventBytes > _maxEventBytes)
        {
            throw Fail(new UpstreamFailure(UpstreamFailureKind.Malformed, $"An SSE event exceeds {_maxEventBytes} bytes.", null, 200));
        }

        if (!_scanner.Feed(data.Span))
        {
            throw Fail(new UpstreamFailure(UpstreamFailureKind.Malformed, "An event of the upstream's stream is not one JSON object: " + _scanner.Problem, null, 200));
        }

        return new StreamPiece(StreamPieceKind.Data, data);
    }

    private StreamPiece EndEvent()
    {
        _inEvent = false;
        if (_scanner.Complete() is not { } summary)
        {
            throw Fail(new UpstreamFailure(UpstreamFailureKind.Malformed, "An event of the upstream's stream is not one JSON object: " + _scanner.Problem, null, 200));
        }

        _events++;
        return new StreamPiece(StreamPieceKind.EventEnd, Summary: summary);
    }

    /// <summary>
    /// The upstream closed the stream. An event whose data is a complete object ends with it (its blank line never
    /// came); an event cut inside its JSON is a failure, as the caller already holds part of it.
    /// </summary>
    private StreamPiece EndOfStream()
    {
        _eof = true;
        if (_inEvent)
        {
            if (!_scanner.IsComplete)
            {
                _scanner.Complete();
                throw Fail(new UpstreamFailure(UpstreamFailureKind.Malformed, "The upstream's stream ended inside an event: " + _scanner.Problem, null, 200));
            }

            // Handed out now; End follows on the next call.
            return EndEvent();
        }

        return Finish();
    }

    private StreamPiece Finish()
    {
        _ended = true;
        _log(_events, null);
        return new StreamPiece(StreamPieceKind.End);
    }

    private async ValueTask<int> ReadUpstreamAsync()
    {
        try
        {
            _stream ??= await _content.ReadAsStreamAsync(_token).ConfigureAwait(false);
            return await _stream.ReadAsync(_buffer, _token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_callerToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            throw Fail(_describe(ex));
        }
    }

    private UpstreamException Fail(UpstreamFailure failure)
    {
        _ended = true;
        _log(_events, failure.Kind);
        return new UpstreamException(failure);
    }
}
