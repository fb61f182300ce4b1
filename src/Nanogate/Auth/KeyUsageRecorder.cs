using System.Collections.Concurrent;
using Nanogate.Storage.Accounts;

namespace Nanogate.Auth;

/// <summary>
/// Keeps <c>last_used_at</c> of keys without a write per request: a key's use is recorded at most once a minute per
/// process (later uses within the minute are dropped), and the recorded uses are written together, in one write,
/// by this background service as they come.
/// </summary>
internal sealed partial class KeyUsageRecorder(IAccountStore accounts, ILogger<KeyUsageRecorder> logger) : BackgroundService
{
    private const long MinuteMs = 60_000;
    private readonly ConcurrentDictionary<string, long> _recorded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>Notes that <paramref name="keyId"/> authenticated a request at <paramref name="now"/> (unix ms).</summary>
    public void Used(string keyId, long now)
    {
        if (_recorded.TryGetValue(keyId, out var last) && now - last < MinuteMs)
        {
            return;
        }

        _recorded[keyId] = now;
        _pending[keyId] = now;
        _signal.Release();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await FlushAsync(stoppingToken).ConfigureAwait(false);
        }

        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var batch = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var at))
            {
                batch[id] = at;
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await accounts.TouchKeysAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Best effort: last_used_at is informational, and the next use in a minute records it again.
            foreach (var id in batch.Keys)
            {
                _recorded.TryRemove(id, out _);
            }

            LogFailed(logger, batch.Count, e);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording last_used_at of {Count} key(s) failed; it is recorded again at their next use")]
    private static partial void LogFailed(ILogger logger, int count, Exception exception);
}
