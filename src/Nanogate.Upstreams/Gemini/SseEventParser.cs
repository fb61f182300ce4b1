using System.Buffers;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Incremental server-sent-events parser: feed it bytes as they arrive, it reports each event's data
/// (multiple <c>data:</c> lines joined with <c>\n</c>). Data bytes are copied once, straight into a
/// pooled buffer that doubles when needed, so a multi-megabyte event costs linear time.
/// Comments (lines starting with ':') and fields other than <c>data</c> are ignored. Lines end in
/// LF or CRLF (a lone CR is not treated as a line end).
/// </summary>
internal sealed class SseEventParser : IDisposable
{
    private const int InitialCapacity = 16 * 1024;

    private byte[] _data;
    private int _length;
    private int _lineStart;
    private int _dataLines;
    private LineState _state = LineState.LineStart;
    private SseFieldName _name;
    private readonly int _maxEventBytes;

    /// <summary>Creates a parser that refuses events larger than <paramref name="maxEventBytes"/>.</summary>
    public SseEventParser(int maxEventBytes)
    {
        _maxEventBytes = maxEventBytes;
        _data = ArrayPool<byte>.Shared.Rent(InitialCapacity);
    }

    private enum LineState
    {
        LineStart,
        Name,
        ValueStart,
        Data,
        Ignore,
    }

    /// <summary>The data of the event last completed by <see cref="Feed"/>; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Event => _data.AsMemory(0, _length);

    /// <summary>
    /// Consumes bytes from <paramref name="chunk"/> until an event completes (returns true; read it from
    /// <see cref="Event"/> and call again with the rest) or the chunk is used up (returns false).
    /// </summary>
    /// <exception cref="InvalidDataException">An event exceeds the size limit.</exception>
    public bool Feed(ReadOnlySpan<byte> chunk, out int consumed)
    {
        if (_state == LineState.LineStart && _dataLines == 0)
        {
            _length = 0;
        }

        var i = 0;
        while (i < chunk.Length)
        {
            switch (_state)
            {
                case LineState.LineStart:
                    {
                        var b = chunk[i++];
                        if (b == (byte)'\n')
                        {
                            if (_dataLines > 0)
                            {
                                _dataLines = 0;
                                consumed = i;
                                return true;
                            }
                        }
                        else if (b == (byte)':')
                        {
                            _state = LineState.Ignore;
                        }
                        else if (b != (byte)'\r')
                        {
                            _state = LineState.Name;
                            _name.Start(b);
                        }

                        break;
                    }

                case LineState.Name:
                    {
                        var b = chunk[i++];
                        if (b == (byte)':')
                        {
                            if (_name.IsData)
                            {
                                BeginDataLine();
                                _state = LineState.ValueStart;
                            }
                            else
                            {
                                _state = LineState.Ignore;
                            }
                        }
                        else if (b == (byte)'\n')
                        {
                            // A field name alone ("data") means an empty value.
                            if (_name.IsData)
                            {
                                BeginDataLine();
                            }

                            _state = LineState.LineStart;
                        }
                        else if (b != (byte)'\r')
                        {
                            _name.Append(b);
                        }

                        break;
                    }

                case LineState.ValueStart:
                    if (chunk[i] == (byte)' ')
                    {
                        i++;
                    }

                    _state = LineState.Data;
                    break;

                case LineState.Data:
                    {
                        var rest = chunk[i..];
                        var newline = rest.IndexOf((byte)'\n');
                        var piece = newline < 0 ? rest : rest[..newline];
                        Append(piece);
                        i += piece.Length;
                        if (newline >= 0)
                        {
                            i++;
                            if (_length > _lineStart && _data[_length - 1] == (byte)'\r')
                            {
                                _length--;
                            }

                            _state = LineState.LineStart;
                        }

                        break;
                    }

                case LineState.Ignore:
                    {
                        var newline = chunk[i..].IndexOf((byte)'\n');
                        if (newline < 0)
                        {
                            i = chunk.Length;
                        }
                        else
                        {
                            i += newline + 1;
                            _state = LineState.LineStart;
                        }

                        break;
                    }
            }
        }

        consumed = i;
        return false;
    }

    /// <summary>
    /// At the end of the stream: completes an event whose last line ended but whose blank line never
    /// came. An event cut inside a line is dropped (as the SSE spec says).
    /// </summary>
    public bool Complete()
    {
        if (_dataLines > 0 && _state == LineState.LineStart)
        {
            _dataLines = 0;
            return true;
        }

        return false;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        var data = _data;
        _data = [];
        _length = 0;
        if (data.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(data);
        }
    }

    private void BeginDataLine()
    {
        if (_dataLines > 0)
        {
            Append("\n"u8);
        }

        _dataLines++;
        _lineStart = _length;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        var needed = _length + bytes.Length;
        if (needed > _maxEventBytes)
        {
            throw new InvalidDataException($"An SSE event exceeds {_maxEventBytes} bytes.");
        }

        if (needed > _data.Length)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, (int)Math.Min((long)_data.Length * 2, Array.MaxLength)));
            _data.AsSpan(0, _length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_data);
            _data = grown;
        }

        bytes.CopyTo(_data.AsSpan(_length));
        _length = needed;
    }
}
