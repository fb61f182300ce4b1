using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.Routing;

/// <summary>A channel with its routing settings and its live state: breaker, cooldown, calls in flight, counters.</summary>
public sealed class RoutedChannel
{
    private static readonly int FailureKinds = Enum.GetValues<UpstreamFailureKind>().Length;

    private readonly SemaphoreSlim? _slots;
    private readonly long[] _outcomes = new long[FailureKinds + 1];
    private int _inFlight;
    private long _coolingUntilMs;
    private long _failovers;

    /// <summary>Creates a routed channel from its definition.</summary>
    public RoutedChannel(IUpstreamChannel channel, ChannelDefinition definition, RouterOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Channel = channel;
        Definition = definition;
        Enabled = definition.Enabled;
        Time = time;
        Breaker = new CircuitBreaker(Math.Max(1, options.BreakerFailures), TimeSpan.FromSeconds(options.BreakerOpenSeconds), time);
        Recent = new RecentOutcomes(time);
        _slots = definition.MaxConcurrency > 0 ? new SemaphoreSlim(definition.MaxConcurrency, definition.MaxConcurrency) : null;
    }

    /// <summary>A channel with a priority and default settings (tests, the simulator).</summary>
    public RoutedChannel(IUpstreamChannel channel, int priority)
        : this(channel, new ChannelDefinition { Name = channel?.Name ?? "", Kind = channel?.Kind ?? "", Priority = priority }, new RouterOptions(), TimeProvider.System)
    {
    }

    /// <summary>The upstream.</summary>
    public IUpstreamChannel Channel { get; }

    /// <summary>What it was made from (never shown with its credentials).</summary>
    public ChannelDefinition Definition { get; }

    /// <summary>Lower goes first.</summary>
    public int Priority => Definition.Priority;

    /// <summary>Relative share of its priority tier.</summary>
    public int Weight => Math.Max(1, Definition.Weight);

    /// <summary>Whether calls may be routed here.</summary>
    public bool Enabled { get; set; }

    /// <summary>Whether it was added through the admin API (stored), rather than configuration.</summary>
    public bool Stored { get; init; }

    /// <summary>The breaker.</summary>
    public CircuitBreaker Breaker { get; }

    /// <summary>Outcomes of the last minute.</summary>
    public RecentOutcomes Recent { get; }

    /// <summary>Calls in flight now (streams count until closed).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Calls this channel has passed on to another after a retryable failure.</summary>
    public long Failovers => Interlocked.Read(ref _failovers);

    /// <summary>Until when it rests after a rate limit, or null.</summary>
    public DateTimeOffset? CoolingUntil
    {
        get
        {
            var until = Interlocked.Read(ref _coolingUntilMs);
            return until > Time.GetUtcNow().ToUnixTimeMilliseconds() ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null;
        }
    }

    internal TimeProvider Time { get; }

    /// <summary>Calls by outcome: index 0 succeeded, then one per <see cref="UpstreamFailureKind"/> (+1).</summary>
    public long Outcome(UpstreamFailureKind? failure) => Interlocked.Read(ref _outcomes[failure is { } kind ? (int)kind + 1 : 0]);

    /// <summary>The upstream model name for a catalog id.</summary>
    public string MapModel(string model) => Definition.ModelMap.Count > 0 && Definition.ModelMap.TryGetValue(model, out var mapped) ? mapped : model;

    internal bool IsCooling(long nowMs) => Interlocked.Read(ref _coolingUntilMs) > nowMs;

    internal bool HasFreeSlot => _slots is null || _slots.CurrentCount > 0;

    internal void CoolDown(DateTimeOffset until)
    {
        var ms = until.ToUnixTimeMilliseconds();
        long current;
        do
        {
            current = Interlocked.Read(ref _coolingUntilMs);
            if (current >= ms)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _coolingUntilMs, ms, current) != current);
    }

    internal bool TryEnter()
    {
        if (_slots is not null && !_slots.Wait(0))
        {
            return false;
        }

        Interlocked.Increment(ref _inFlight);
        return true;
    }

    internal async Task<bool> WaitEnterAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_slots is not null && !await _slots.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Interlocked.Increment(ref _inFlight);
        return true;
    }

    internal void Exit()
    {
        Interlocked.Decrement(ref _inFlight);
        _slots?.Release();
    }

    internal void Count(UpstreamFailure? failure, bool failedOver)
    {
        Interlocked.Increment(ref _outcomes[failure is null ? 0 : (int)failure.Kind + 1]);
        Recent.Record(failure is null);
        if (failedOver)
        {
            Interlocked.Increment(ref _failovers);
        }
    }
}
