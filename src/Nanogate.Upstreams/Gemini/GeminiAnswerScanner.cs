using System.Buffers;
using System.Text.Unicode;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Validates a GenerateContentResponse as its bytes go by, chunk after chunk, without keeping them: strict JSON
/// (RFC 8259: one object, strings with valid escapes and UTF-8, numbers, literals, nesting up to 64 levels, nothing
/// but whitespace after it). On the way it writes a <em>skeleton</em>: the same document with whitespace dropped and
/// every string longer than <see cref="MaxKeptStringBytes"/> emptied (the base64 image, long texts), a few hundred
/// bytes for an image answer. At the end <see cref="Complete"/> reads the skeleton with
/// <see cref="GeminiResponseReader"/>, so usage, finish reason and image count come from the one reader the buffered
/// path uses. Inside strings the scan is a vectorised search for the next quote, backslash or control byte, so a
/// 1.4 MB answer (almost all one base64 string) costs two vectorised passes (this one and the UTF-8 check), no copy.
/// </summary>
public sealed class GeminiAnswerScanner : IDisposable
{
    /// <summary>Strings up to this many raw bytes are kept in the skeleton (texts, names, mime types, counts as strings).</summary>
    public const int MaxKeptStringBytes = 1024;

    private const int MaxDepth = 64;
    private const int DefaultMaxSkeletonBytes = 4 << 20;

    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [(byte)'"', (byte)'\\', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);

    private static readonly byte[] True = "true"u8.ToArray();
    private static readonly byte[] False = "false"u8.ToArray();
    private static readonly byte[] Null = "null"u8.ToArray();

    private readonly int _maxSkeletonBytes;
    private bool _overflow;
    private byte[] _skeleton;
    private int _skeletonLength;
    private State _state = State.Value;
    private State _afterString;
    private int _depth;
    private ulong _objects; // bit d set: the container at depth d+1 is an object
    private int _stringStart;
    private int _stringRaw;
    private bool _stringElided;
    private int _unicodeDigits;
    private byte[]? _literal;
    private int _literalIndex;
    private Number _number;
    private readonly byte[] _carry = new byte[4];
    private int _carryLength;

    /// <summary>Creates a scanner; the skeleton lives in a pooled array (dispose to return it).</summary>
    /// <param name="maxSkeletonBytes">Largest skeleton accepted; beyond it the answer counts as malformed.</param>
    public GeminiAnswerScanner(int maxSkeletonBytes = DefaultMaxSkeletonBytes)
    {
        _maxSkeletonBytes = maxSkeletonBytes;
        _skeleton = ArrayPool<byte>.Shared.Rent(4096);
    }

    private enum State : byte
    {
        Value,          // a value must come (the root, after ':' or in an array after ',')
        ValueOrEnd,     // just after '[': a value or ']'
        KeyOrEnd,       // just after '{': a key or '}'
        Key,            // after ',' in an object
        Colon,          // after a key
        AfterValue,     // ',' or the container's end
        Done,           // the root object ended: whitespace only
        InString,
        Escape,
        Unicode,
        Literal,
        InNumber,
        Failed,
    }

    private enum Number : byte
    {
        Minus,      // after '-': a digit must come
        Zero,       // a leading 0: '.', 'e' or the end
        Integer,    // digits
        Dot,        // after '.': a digit must come
        Fraction,   // digits after the dot
        Exponent,   // after 'e': a sign or a digit
        ExponentSign, // after the sign: a digit must come
        ExponentDigits,
    }

    /// <summary>Bytes fed so far.</summary>
    public long Length { get; private set; }

    /// <summary>Why the answer is not valid JSON, once <see cref="Feed"/> returned false; else null.</summary>
    public string? Problem { get; private set; }

    /// <summary>Whether the root object has ended (and nothing invalid followed so far).</summary>
    public bool IsComplete => _state == State.Done && _carryLength == 0;

    /// <summary>Scans the next bytes. Returns false once the answer is known not to be valid JSON (then stays false).</summary>
    public bool Feed(ReadOnlySpan<byte> chunk)
    {
        if (_state == State.Failed)
        {
            return false;
        }

        Length += chunk.Length;
        if (!CheckUtf8(chunk))
        {
            return Fail("it is not valid UTF-8");
        }

        var i = 0;
        while (i < chunk.Length)
        {
            if (_state == State.InString)
            {
                var rest = chunk[i..];
                var stop = rest.IndexOfAny(StringStops);
                var run = stop < 0 ? rest.Length : stop;
                KeepString(rest[..run]);
                i += run;
                if (stop < 0)
                {
                    break;
                }

                var c = rest[stop];
                i++;
                if (c == '"')
                {
                    EndString();
                }
                else if (c == '\\')
                {
                    KeepString(rest.Slice(stop, 1));
                    _state = State.Escape;
                }
                else
                {
                    return Fail("a string holds an unescaped control character");
                }

                continue;
            }

            if (!Step(chunk[i]))
            {
                return false;
            }

            i++;
        }

        return !_overflow || Fail($"its structure outside long strings exceeds {_maxSkeletonBytes} bytes");
    }

    /// <summary>
    /// The summary of a complete answer (usage, finish reason, image count; the image located nowhere: the bytes are
    /// gone), or null when the answer ended before its object did.
    /// </summary>
    public GeminiResponseSummary? Complete()
    {
        if (!IsComplete)
        {
            if (_state != State.Failed)
            {
                Problem = Length == 0 ? "it is empty" : "it ended before its JSON object did";
            }

            return null;
        }

        return GeminiResponseReader.Read(_skeleton.AsSpan(0, _skeletonLength), decodeImage: false);
    }

    /// <summary>Makes the scanner ready for another answer (the next event of a stream), keeping its skeleton buffer.</summary>
    public void Reset()
    {
        _overflow = false;
        _skeletonLength = 0;
        _state = State.Value;
        _depth = 0;
        _objects = 0;
        _literal = null;
        _carryLength = 0;
        Length = 0;
        Problem = null;
    }

    /// <summary>Returns the pooled skeleton.</summary>
    public void Dispose()
    {
        var skeleton = _skeleton;
        _skeleton = [];
        if (skeleton.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(skeleton);
        }
    }

    private bool Step(byte c)
    {
        switch (_state)
        {
            case State.Escape:
                KeepString([c]);
                if (c == 'u')
                {
                    _unicodeDigits = 4;
                    _state = State.Unicode;
                    return true;
                }

                _state = State.InString;
                return c is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t' || Fail("a string holds an invalid escape");

            case State.Unicode:
                KeepString([c]);
                if (!char.IsAsciiHexDigit((char)c))
                {
                    return Fail("a \\u escape is not four hex digits");
                }

                if (--_unicodeDigits == 0)
                {
                    _state = State.InString;
                }

                return true;

            case State.Literal:
                if (c != _literal![_literalIndex])
                {
                    return Fail("a literal is misspelt");
                }

                Keep(c);
                if (++_literalIndex == _literal.Length)
                {
                    _state = State.AfterValue;
                }

                return true;

            case State.InNumber:
                if (StepNumber(c))
                {
                    Keep(c);
                    return true;
                }

                if (_number is Number.Minus or Number.Dot or Number.Exponent or Number.ExponentSign)
                {
                    return Fail("a number is cut short");
                }

                _state = State.AfterValue;
                return Step(c); // the byte that ended the number is the next token's
        }

        if (c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            return true;
        }

        switch (_state)
        {
            case State.Done:
                return Fail("something follows the JSON object");

            case State.Value or State.ValueOrEnd:
                if (c == ']' && _state == State.ValueOrEnd)
                {
                    return Close(c, isObject: false);
                }

                return StartValue(c);

            case State.KeyOrEnd or State.Key:
                if (c == '}' && _state == State.KeyOrEnd)
                {
                    return Close(c, isObject: true);
                }

                if (c != '"')
                {
                    return Fail("an object key is not a string");
                }

                StartString(State.Colon);
                return true;

            case State.Colon:
                if (c != ':')
                {
                    return Fail("a key is not followed by ':'");
                }

                Keep(c);
                _state = State.Value;
                return true;

            case State.AfterValue:
                var inObject = InObject;
                if (c == ',')
                {
                    Keep(c);
                    _state = inObject ? State.Key : State.Value;
                    return true;
                }

                return c == (inObject ? '}' : ']') ? Close(c, inObject) : Fail("a value is not followed by ',' or the end of its container");

            default:
                return Fail("the scanner lost its state");
        }
    }

    private bool InObject => _depth > 0 && (_objects & (1UL << (_depth - 1))) != 0;

    private bool StartValue(byte c)
    {
        if (_depth == 0 && c != '{')
        {
            return Fail("it is not a JSON object");
        }

        switch (c)
        {
            case (byte)'{' or (byte)'[':
                if (_depth == MaxDepth)
                {
                    return Fail($"it nests deeper than {MaxDepth} levels");
                }

                Keep(c);
                if (c == '{')
                {
                    _objects |= 1UL << _depth;
                }
                else
                {
                    _objects &= ~(1UL << _depth);
                }

                _depth++;
                _state = c == '{' ? State.KeyOrEnd : State.ValueOrEnd;
                return true;
            case (byte)'"':
                StartString(State.AfterValue);
                return true;
            case (byte)'t':
                return StartLiteral(True, c);
            case (byte)'f':
                return StartLiteral(False, c);
            case (byte)'n':
                return StartLiteral(Null, c);
            case (byte)'-':
                _number = Number.Minus;
                break;
            case (byte)'0':
                _number = Number.Zero;
                break;
            case >= (byte)'1' and <= (byte)'9':
                _number = Number.Integer;
                break;
            default:
                return Fail("a value is not JSON");
        }

        Keep(c);
        _state = State.InNumber;
        return true;
    }

    private bool StartLiteral(byte[] literal, byte c)
    {
        _literal = literal;
        _literalIndex = 1;
        Keep(c);
        _state = State.Literal;
        return true;
    }

    private bool StepNumber(byte c)
    {
        var digit = c is >= (byte)'0' and <= (byte)'9';
        switch (_number)
        {
            case Number.Minus:
                if (!digit)
                {
                    return false;
                }

                _number = c == '0' ? Number.Zero : Number.Integer;
                return true;
            case Number.Zero or Number.Integer:
                if (digit && _number == Number.Integer)
                {
                    return true;
                }

                if (c == '.')
                {
                    _number = Number.Dot;
                    return true;
                }

                if (c is (byte)'e' or (byte)'E')
                {
                    _number = Number.Exponent;
                    return true;
                }

                return false;
            case Number.Dot or Number.Fraction:
                if (digit)
                {
                    _number = Number.Fraction;
                    return true;
                }

                if (_number == Number.Fraction && c is (byte)'e' or (byte)'E')
                {
                    _number = Number.Exponent;
                    return true;
                }

                return false;
            case Number.Exponent:
                if (c is (byte)'+' or (byte)'-')
                {
                    _number = Number.ExponentSign;
                    return true;
                }

                if (digit)
                {
                    _number = Number.ExponentDigits;
                    return true;
                }

                return false;
            default:
                if (digit)
                {
                    _number = Number.ExponentDigits;
                    return true;
                }

                return false;
        }
    }

    private bool Close(byte c, bool isObject)
    {
        if (InObject != isObject)
        {
            return Fail("a container is closed by the wrong bracket");
        }

        Keep(c);
        _depth--;
        _state = _depth == 0 ? State.Done : State.AfterValue;
        return true;
    }

    private void StartString(State after)
    {
        _stringStart = _skeletonLength;
        _stringRaw = 0;
        _stringElided = false;
        Keep((byte)'"');
        _afterString = after;
        _state = State.InString;
    }

    private void EndString()
    {
        Keep((byte)'"');
        _state = _afterString;
    }

    /// <summary>Keeps the raw bytes of a string in the skeleton until it grows past the limit, then empties it.</summary>
    private void KeepString(ReadOnlySpan<byte> raw)
    {
        if (_stringElided)
        {
            return;
        }

        _stringRaw += raw.Length;
        if (_stringRaw > MaxKeptStringBytes)
        {
            _stringElided = true;
            _skeletonLength = Math.Min(_skeletonLength, _stringStart + 1);
            return;
        }

        if (!Reserve(raw.Length))
        {
            return;
        }

        raw.CopyTo(_skeleton.AsSpan(_skeletonLength));
        _skeletonLength += raw.Length;
    }

    private void Keep(byte c)
    {
        if (Reserve(1))
        {
            _skeleton[_skeletonLength++] = c;
        }
    }

    /// <summary>Makes room; false (and the answer refused at the end of the chunk) past the limit.</summary>
    private bool Reserve(int bytes)
    {
        if (_skeletonLength + bytes <= _skeleton.Length)
        {
            return true;
        }

        var needed = _skeletonLength + bytes;
        if (needed > _maxSkeletonBytes || _overflow)
        {
            // An image answer's skeleton is about 1 KB: one this large is not an answer we can account for.
            _overflow = true;
            return false;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(needed, _skeleton.Length * 2), _maxSkeletonBytes));
        _skeleton.AsSpan(0, _skeletonLength).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_skeleton);
        _skeleton = bigger;
        return true;
    }

    private bool Fail(string problem)
    {
        if (_state != State.Failed)
        {
            Problem = $"The upstream answered 200 with a body that is not one complete JSON object: {problem} (at byte {Length}).";
            _state = State.Failed;
        }

        return false;
    }

    /// <summary>Checks UTF-8 across chunk boundaries: a sequence cut by the boundary waits in a 4-byte carry.</summary>
    private bool CheckUtf8(ReadOnlySpan<byte> chunk)
    {
        if (_carryLength > 0)
        {
            var need = SequenceLength(_carry[0]) - _carryLength;
            var take = Math.Min(need, chunk.Length);
            chunk[..take].CopyTo(_carry.AsSpan(_carryLength));
            _carryLength += take;
            chunk = chunk[take..];
            if (take < need)
            {
                return true;
            }

            if (!Utf8.IsValid(_carry.AsSpan(0, _carryLength)))
            {
                return false;
            }

            _carryLength = 0;
        }

        var tail = IncompleteTail(chunk);
        if (!Utf8.IsValid(chunk[..^tail]))
        {
            return false;
        }

        chunk[^tail..].CopyTo(_carry);
        _carryLength = tail;
        return true;
    }

    private static int SequenceLength(byte lead) => lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;

    /// <summary>How many bytes at the end start a multi-byte sequence that the chunk cuts (0 when none).</summary>
    private static int IncompleteTail(ReadOnlySpan<byte> chunk)
    {
        for (var k = 1; k <= Math.Min(3, chunk.Length); k++)
        {
            var b = chunk[^k];
            if (b < 0x80)
            {
                return 0;
            }

            if (b >= 0xC0)
            {
                return SequenceLength(b) > k ? k : 0;
            }
        }

        return 0;
    }
}
