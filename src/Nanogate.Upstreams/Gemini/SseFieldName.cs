namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// The name of the SSE field being read, byte by byte, reduced to the one question both SSE readers ask: is it
/// <c>data</c>? (Nothing else of a field name matters to them, so nothing of it is kept.)
/// </summary>
internal struct SseFieldName
{
    private int _length;
    private bool _matches;

    /// <summary>Whether the name read since <see cref="Start"/> is exactly <c>data</c>.</summary>
    public readonly bool IsData => _matches && _length == 4;

    /// <summary>Begins a new name with its first byte.</summary>
    public void Start(byte first)
    {
        _length = 0;
        _matches = true;
        Append(first);
    }

    /// <summary>Adds the name's next byte.</summary>
    public void Append(byte b)
    {
        if (_length >= 4 || b != "data"u8[_length])
        {
            _matches = false;
        }

        if (_length < int.MaxValue)
        {
            _length++;
        }
    }
}
