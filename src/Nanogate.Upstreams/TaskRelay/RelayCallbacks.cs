using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Nanogate.Upstreams.TaskRelay;

/// <summary>
/// Wake-ups for task relays waiting on an upstream task: a relay hands the upstream a callback URL with a random token,
/// and the upstream's callback (its webhook) wakes the relay's next poll at once. A callback is only a hint: its body
/// is never trusted, the poll reads the task's state from the upstream itself, and polling goes on without it (a
/// callback that reaches another process behind a load balancer is simply not heard here).
/// </summary>
public sealed class RelayCallbacks
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new(StringComparer.Ordinal);

    /// <summary>A new token (unguessable: 24 random bytes) and the task its callback completes.</summary>
    public (string Token, Task Called) Register()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[token] = called;
        return (token, called.Task);
    }

    /// <summary>Wakes the relay waiting on <paramref name="token"/>; false when no relay here waits on it.</summary>
    public bool Signal(string token) => _waiting.TryGetValue(token, out var called) && (called.TrySetResult() || true);

    /// <summary>Forgets a token once its task has ended.</summary>
    public void Forget(string token) => _waiting.TryRemove(token, out _);
}
