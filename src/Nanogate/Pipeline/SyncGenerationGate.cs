using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Nanogate.Hosting;
using Nanogate.Operations;

namespace Nanogate.Pipeline;

/// <summary>
/// The concurrency bound of the synchronous generation routes (issue 13): at most <c>Limits:MaxSyncGenerations</c>
/// requests at once per process, at most <c>Limits:MaxSyncGenerationsPerAccount</c> of them from one account; up to
/// <c>Limits:SyncQueueLength</c> more wait, oldest first, for at most <c>Limits:SyncQueueSeconds</c>. Built from
/// System.Threading.RateLimiting: a <see cref="ConcurrencyLimiter"/> for the process and a partitioned one per account,
/// asked account first, so one account's requests can neither take every slot nor fill the queue.
/// </summary>
/// <remarks>
/// Not ASP.NET Core's rate-limiting middleware: its rejection callback sees a lease, not which bound refused, and
/// the caller must be told whether its account or the whole server is busy (<see cref="SyncRefusal"/>); nor does its
/// queue give up after a time. <see cref="SyncGenerationBound"/> enters the gate before a request's body is read or
/// any credit is held, so a refused request has cost its headers and nothing else.
/// </remarks>
internal sealed class SyncGenerationGate : IDisposable
{
    private readonly ConcurrencyLimiter _process;
    private readonly PartitionedRateLimiter<string>? _accounts;
    private readonly TimeSpan _queueWait;
    private readonly bool _queues;
    private readonly TimeProvider _time;
    private long _inFlight;
    private long _queued;

    /// <summary>Creates the gate from <c>Limits</c>, with its gauges on the Nanogate meter.</summary>
    public SyncGenerationGate(IOptions<LimitsOptions> options, NanogateMetrics metrics, TimeProvider time)
    {
        var limits = options.Value;
        _time = time;
        _queueWait = TimeSpan.FromSeconds(limits.SyncQueueSeconds);
        _queues = limits.SyncQueueLength > 0;
        _process = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.MaxSyncGenerations,
            QueueLimit = limits.SyncQueueLength,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        // A per-account bound at or above the process's bounds nothing: none is kept (nor its partitions' timer).
        var perAccount = limits.MaxSyncGenerationsPerAccount;
        _accounts = perAccount >= limits.MaxSyncGenerations
            ? null
            : PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetConcurrencyLimiter(account,
                _ => new ConcurrencyLimiterOptions { PermitLimit = perAccount, QueueLimit = 0 }));
        metrics.Meter.CreateObservableGauge("nanogate.sync.in_flight", () => InFlight, "{request}",
            "Synchronous generation requests holding a slot (at most Limits:MaxSyncGenerations).");
        metrics.Meter.CreateObservableGauge("nanogate.sync.queued", () => Queued, "{request}",
            "Synchronous generation requests waiting for a slot (at most Limits:SyncQueueLength).");
    }

    /// <summary>Requests holding a slot now.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Requests waiting for a slot now.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>
    /// A slot for one request of <paramref name="accountId"/>, waiting in the queue if the process is full, or the
    /// reason it cannot have one. Throws <see cref="OperationCanceledException"/> when the caller leaves while waiting.
    /// </summary>
    public async ValueTask<SyncPermit> EnterAsync(string accountId, CancellationToken cancellationToken)
    {
        var account = _accounts?.AttemptAcquire(accountId);
        if (account is { IsAcquired: false })
        {
            account.Dispose();
            return SyncPermit.Refused(SyncRefusal.AccountBusy);
        }

        RateLimitLease? slot;
        SyncRefusal? refusal = null;
        try
        {
            slot = _process.AttemptAcquire();
            if (!slot.IsAcquired)
            {
                slot.Dispose();
                (slot, refusal) = _queues ? await QueueAsync(cancellationToken).ConfigureAwait(false) : (null, SyncRefusal.ServerBusy);
            }
        }
        catch
        {
            account?.Dispose();
            throw;
        }

        if (slot is null)
        {
            account?.Dispose();
            return SyncPermit.Refused(refusal ?? SyncRefusal.ServerBusy);
        }

        Interlocked.Increment(ref _inFlight);
        return SyncPermit.Granted(this, account, slot);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _process.Dispose();
        _accounts?.Dispose();
    }

    /// <summary>A permit gave its slot back.</summary>
    internal void Left() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Waits in the queue: a slot, or the refusal (queue full at once, or no slot within the wait).</summary>
    private async Task<(RateLimitLease? Slot, SyncRefusal? Refusal)> QueueAsync(CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_queueWait, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        Interlocked.Increment(ref _queued);
        try
        {
            var slot = await _process.AcquireAsync(1, linked.Token).ConfigureAwait(false);
            if (slot.IsAcquired)
            {
                return (slot, null);
            }

            // The queue was full: refused at once.
            slot.Dispose();
            return (null, SyncRefusal.ServerBusy);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, SyncRefusal.QueueTimedOut);
        }
        finally
        {
            Interlocked.Decrement(ref _queued);
        }
    }
}
