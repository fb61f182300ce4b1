using Nanogate.Upstreams.Routing;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// The API keys of one channel, each tagged with its Google project. Keys take turns; a 429 rests the key's
/// project (all its keys: they share its quota) for Google's retryDelay, so the other projects keep serving.
/// When every project rests, the one that rests least is used anyway (the router has cooled the channel by then).
/// </summary>
internal sealed class GeminiKeyPool
{
    private readonly ChannelKey[] _keys;
    private readonly int[] _projectOf;
    private readonly long[] _restingUntilMs;
    private readonly TimeProvider _time;
    private int _next = -1;

    public GeminiKeyPool(IReadOnlyList<ChannelKey> keys, TimeProvider time)
    {
        _keys = [.. keys.Where(k => !string.IsNullOrEmpty(k.Key))];
        _time = time;
        var projects = new Dictionary<string, int>(StringComparer.Ordinal);
        _projectOf = new int[_keys.Length];
        for (var i = 0; i < _keys.Length; i++)
        {
            // A key without a project is its own project.
            var project = _keys[i].Project ?? "\0key" + i;
            if (!projects.TryGetValue(project, out var p))
            {
                p = projects.Count;
                projects[project] = p;
            }

            _projectOf[i] = p;
        }

        _restingUntilMs = new long[projects.Count];
    }

    public int Count => _keys.Length;

    public string Key(int index) => _keys[index].Key;

    /// <summary>The next key whose project is not resting, else the one whose project rests least; -1 when there are no keys.</summary>
    public int Take()
    {
        if (_keys.Length == 0)
        {
            return -1;
        }

        if (_keys.Length == 1)
        {
            return 0;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var start = Interlocked.Increment(ref _next) & int.MaxValue;
        var best = -1;
        for (var n = 0; n < _keys.Length; n++)
        {
            var i = (start + n) % _keys.Length;
            var until = Volatile.Read(ref _restingUntilMs[_projectOf[i]]);
            if (until <= now)
            {
                return i;
            }

            if (best < 0 || until < Volatile.Read(ref _restingUntilMs[_projectOf[best]]))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>Rests the project of key <paramref name="index"/>; true when some other project is free now.</summary>
    public bool Rest(int index, TimeSpan cooldown)
    {
        if (index < 0 || index >= _keys.Length)
        {
            return false;
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        Volatile.Write(ref _restingUntilMs[_projectOf[index]], now + (long)cooldown.TotalMilliseconds);
        return RestingFor() is null;
    }

    /// <summary>How long until the first project is free, or null when one is free now.</summary>
    public TimeSpan? RestingFor()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var soonest = long.MaxValue;
        for (var p = 0; p < _restingUntilMs.Length; p++)
        {
            var u = Volatile.Read(ref _restingUntilMs[p]);
            if (u <= now)
            {
                return null;
            }

            soonest = Math.Min(soonest, u);
        }

        return soonest == long.MaxValue ? null : TimeSpan.FromMilliseconds(soonest - now);
    }

    /// <summary>Each project's rest end (for the admin API), by project label.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Resting()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        for (var i = 0; i < _keys.Length; i++)
        {
            var until = Volatile.Read(ref _restingUntilMs[_projectOf[i]]);
            if (until > now)
            {
                result[_keys[i].Project ?? "key …" + (_keys[i].Key.Length > 8 ? _keys[i].Key[^4..] : "")] = DateTimeOffset.FromUnixTimeMilliseconds(until);
            }
        }

        return result;
    }

    public string Redact(string text)
    {
        foreach (var key in _keys)
        {
            text = text.Replace(key.Key, "[redacted]", StringComparison.Ordinal);
        }

        return text;
    }
}
