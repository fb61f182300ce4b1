using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Channels;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Hosting;

/// <summary>
/// Keeps the router's stored channels equal to the channel store: loads them at start (after migrations),
/// reloads on every <see cref="ChangeTopics.Channels"/> hint (so an edit on one process is honoured by every
/// process sharing the database within a second) and every 30 seconds in case a hint was lost. An unchanged
/// channel keeps its live state (breaker, cooldowns, counters); a changed one is rebuilt; a replaced or
/// removed channel's connections are closed once its calls have had time to finish.
/// </summary>
internal sealed partial class StoredChannelLoader(
    IChannelStore store,
    ChannelRouter router,
    ChannelKinds kinds,
    ChannelContext context,
    IOptions<UpstreamOptions> options,
    StoredChannelCodec codec,
    IChangeFeed changes,
    TimeProvider time,
    ILogger<StoredChannelLoader> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FallbackInterval = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly Dictionary<string, StoredChannel> _applied = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private IDisposable? _subscription;
    private ITimer? _timer;
    private int _pending;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken).ConfigureAwait(false);
        _subscription = changes.Subscribe(ChangeTopics.Channels, _ => Schedule());
        _timer = time.CreateTimer(_ => Schedule(), null, FallbackInterval, FallbackInterval);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _subscription?.Dispose();
        _timer?.Dispose();
        _stopping.Dispose();
        _reload.Dispose();
    }

    /// <summary>Makes the router's stored channels match the store now.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var list = await store.ListAsync(cancellationToken).ConfigureAwait(false);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var stored in list)
            {
                seen.Add(stored.Name);
                Apply(stored);
            }

            foreach (var gone in _applied.Keys.Where(n => !seen.Contains(n)).ToList())
            {
                _applied.Remove(gone);
                if (router.Find(gone) is { Stored: true })
                {
                    Retire(router.Remove(gone));
                }
            }
        }
        finally
        {
            _reload.Release();
        }
    }

    private void Apply(StoredChannel stored)
    {
        if (_applied.TryGetValue(stored.Name, out var previous) && router.Find(stored.Name) is { Stored: true } current)
        {
            if (previous == stored)
            {
                return;
            }

            // Only the switch moved: keep the live channel and its state.
            if (previous with { Enabled = stored.Enabled } == stored)
            {
                current.Enabled = stored.Enabled;
                _applied[stored.Name] = stored;
                return;
            }
        }

        RoutedChannel routed;
        try
        {
            routed = kinds.Create(codec.Decode(stored), context, options.Value.Router, stored: true);
        }
        catch (CryptographicException)
        {
            LogUnreadable(logger, stored.Name);
            return;
        }
        catch (ArgumentException e)
        {
            LogInvalid(logger, stored.Name, e.Message);
            return;
        }

        if (router.Find(stored.Name) is { Stored: false })
        {
            // A configuration channel has the name: configuration wins.
            (routed.Channel as IDisposable)?.Dispose();
            LogShadowed(logger, stored.Name);
            return;
        }

        Retire(router.Replace(routed));
        _applied[stored.Name] = stored;
    }

    private void Schedule()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            Volatile.Write(ref _pending, 0);
            try
            {
                await ReloadAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                LogReloadFailed(logger, e);
            }
        });
    }

    /// <summary>Closes a replaced channel's connections once its calls in flight have had their full time.</summary>
    private void Retire(RoutedChannel? old)
    {
        if (old?.Channel is not IDisposable disposable)
        {
            return;
        }

        var grace = context.TimeoutOf(old.Definition) + TimeSpan.FromSeconds(5);
        _ = Task.Delay(grace, time, CancellationToken.None).ContinueWith(_ => disposable.Dispose(), TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored channel {Channel} cannot be decrypted: its credentials were protected with another Data Protection key ring (share DataProtection:KeysDirectory between processes). The channel is not used.")]
    private static partial void LogUnreadable(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stored channel {Channel} is not valid and is not used: {Problem}")]
    private static partial void LogInvalid(ILogger logger, string channel, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stored channel {Channel} has the name of a channel from configuration; the configured one is used")]
    private static partial void LogShadowed(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reloading the stored channels failed; the next change or the periodic reload tries again")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
