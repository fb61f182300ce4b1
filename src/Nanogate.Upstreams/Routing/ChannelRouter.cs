using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.Routing;

/// <summary>
/// Sends a call to one channel and fails over on failures another channel may not have. Choice: the lowest
/// priority tier with a usable channel, weighted random inside it. A channel is usable when enabled, its breaker
/// lets calls through, it is not cooling down after a rate limit and it has a free concurrency slot. When every
/// candidate is at its cap the call waits briefly for a slot, then fails as rate limited with a retry hint. A
/// cooling channel, and when nothing else is left a channel whose breaker is open, is still tried as the last
/// resort rather than failing outright. Failover only follows
/// retryable failures (and refused credentials), at most <see cref="RouterOptions.MaxAttempts"/> channels;
/// a refusal of the request itself (400) or a safety block (an answer, not a failure) never fails over, so
/// an image is made, and billed, at most once per call.
/// </summary>
public sealed class ChannelRouter
{
    private const int MaxChannels = 64;

    private readonly TimeProvider _time;
    private readonly RouterOptions _options;
    private readonly Lock _changes = new();
    private volatile RoutedChannel[] _channels;

    /// <summary>Creates a router over channels (sorted by priority here).</summary>
    public ChannelRouter(IEnumerable<RoutedChannel> channels, TimeProvider time, RouterOptions? options = null)
    {
        _channels = [.. channels.OrderBy(c => c.Priority)];
        _time = time;
        _options = options ?? new RouterOptions();
    }

    /// <summary>The channels, in priority order.</summary>
    public IReadOnlyList<RoutedChannel> Channels => _channels;

    /// <summary>The router's settings.</summary>
    public RouterOptions Options => _options;

    /// <summary>The kind of the channel named <paramref name="channel"/> (e.g. "gemini", "simulator"), or the name itself if it is gone.</summary>
    public string KindOf(string channel) => Find(channel)?.Channel.Kind ?? channel;

    /// <summary>The channel named <paramref name="channel"/>, or null.</summary>
    public RoutedChannel? Find(string channel)
    {
        foreach (var c in _channels)
        {
            if (c.Channel.Name == channel)
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>When a channel may be used again after a rate limit, or null.</summary>
    public DateTimeOffset? CoolingUntil(string channel) => Find(channel)?.CoolingUntil;

    /// <summary>Adds a channel (copy-on-write: calls in flight keep the list they started with); false when the name is taken or the list is full.</summary>
    public bool Add(RoutedChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        lock (_changes)
        {
            if (Find(channel.Channel.Name) is not null || _channels.Length >= MaxChannels)
            {
                return false;
            }

            _channels = [.. _channels.Append(channel).OrderBy(c => c.Priority)];
            return true;
        }
    }

    /// <summary>Puts <paramref name="channel"/> in the place of the one with its name (or adds it); returns the one replaced, to dispose once idle.</summary>
    public RoutedChannel? Replace(RoutedChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        lock (_changes)
        {
            var old = Find(channel.Channel.Name);
            _channels = [.. _channels.Where(c => !ReferenceEquals(c, old)).Append(channel).OrderBy(c => c.Priority)];
            return old;
        }
    }

    /// <summary>Removes a channel (not disposed here: calls in flight may still be using it); the one removed, or null.</summary>
    public RoutedChannel? Remove(string channel)
    {
        lock (_changes)
        {
            var found = Find(channel);
            if (found is not null)
            {
                _channels = [.. _channels.Where(c => !ReferenceEquals(c, found))];
            }

            return found;
        }
    }

    /// <summary>Enables or disables a channel; false when no channel has that name.</summary>
    public bool SetEnabled(string channel, bool enabled)
    {
        if (Find(channel) is not { } found)
        {
            return false;
        }

        found.Enabled = enabled;
        return true;
    }

    /// <summary>
    /// The largest reference image any enabled channel can take, when every one of them caps it (only Vertex AI
    /// channels: 7 MB); null when some channel takes any accepted image. A larger reference cannot succeed
    /// anywhere, so the dialects refuse it at submit.
    /// </summary>
    public int? MaxReferenceImageBytes()
    {
        int? largest = null;
        foreach (var routed in _channels)
        {
            if (!routed.Enabled)
            {
                continue;
            }

            if (routed.Channel.MaxReferenceImageBytes is not { } cap)
            {
                return null;
            }

            largest = Math.Max(largest ?? 0, cap);
        }

        return largest;
    }

    /// <summary>generateContent with failover.</summary>
    public async Task<UpstreamResponse> GenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var channels = _channels;
        ulong tried = 0;
        UpstreamResponse? last = null;
        for (var attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var (routed, index, refusal) = await AcquireAsync(channels, tried, cancellationToken).ConfigureAwait(false);
            if (routed is null)
            {
                return last ?? UpstreamResponse.Failed("none", refusal!);
            }

            tried |= 1UL << index;
            UpstreamResponse response;
            using (var span = UpstreamActivity.Start(routed, request, attempt))
            {
                try
                {
                    response = await routed.Channel.GenerateContentAsync(ForChannel(request, routed), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    routed.Breaker.OnNeutral();
                    routed.Exit();
                    throw;
                }

                UpstreamActivity.End(span, response.Failure);
            }

            routed.Exit();
            if (!Observe(routed, response.Failure))
            {
                last?.Dispose();
                return response;
            }

            last?.Dispose();
            last = response;
        }

        return last ?? UpstreamResponse.Failed("none", NoChannel());
    }

    /// <summary>
    /// generateContent for a passthrough, with failover until the answer's first bytes are in; the channel's slot is
    /// held until the body is disposed. After the first bytes nothing fails over: the upstream made (and bills) the
    /// answer, and part of it may already be on its way to the caller.
    /// </summary>
    public async Task<UpstreamBody> OpenContentAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var channels = _channels;
        ulong tried = 0;
        UpstreamBody? last = null;
        for (var attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var (routed, index, refusal) = await AcquireAsync(channels, tried, cancellationToken).ConfigureAwait(false);
            if (routed is null)
            {
                return last ?? UpstreamBody.Failed("none", refusal!);
            }

            tried |= 1UL << index;
            UpstreamBody body;
            // The span covers the call up to the answer's first bytes (the rest streams to the caller afterwards).
            using (var span = UpstreamActivity.Start(routed, request, attempt))
            {
                try
                {
                    body = await routed.Channel.OpenContentAsync(ForChannel(request, routed), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    routed.Breaker.OnNeutral();
                    routed.Exit();
                    throw;
                }

                UpstreamActivity.End(span, body.Failure);
            }

            if (body.IsSuccess)
            {
                Observe(routed, null);
                body.HoldSlot(routed);
                return body;
            }

            routed.Exit();
            last = body;
            if (!Observe(routed, body.Failure))
            {
                return body;
            }
        }

        return last ?? UpstreamBody.Failed("none", NoChannel());
    }

    /// <summary>streamGenerateContent with failover before the first event; the channel's slot is held until the stream is disposed.</summary>
    public async Task<UpstreamStream> StreamGenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var channels = _channels;
        ulong tried = 0;
        UpstreamStream? last = null;
        for (var attempt = 0; attempt < _options.MaxAttempts; attempt++)
        {
            var (routed, index, refusal) = await AcquireAsync(channels, tried, cancellationToken).ConfigureAwait(false);
            if (routed is null)
            {
                return last ?? UpstreamStream.Failed("none", refusal!);
            }

            tried |= 1UL << index;
            UpstreamStream stream;
            // The span covers the call up to its first event (the events then stream to the caller).
            using (var span = UpstreamActivity.Start(routed, request, attempt))
            {
                try
                {
                    stream = await routed.Channel.StreamGenerateContentAsync(ForChannel(request, routed), cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    routed.Breaker.OnNeutral();
                    routed.Exit();
                    throw;
                }

                UpstreamActivity.End(span, stream.Failure);
            }

            if (stream.IsSuccess)
            {
                Observe(routed, null);
                stream.HoldSlot(routed);
                if (last is not null)
                {
                    await last.DisposeAsync().ConfigureAwait(false);
                }

                return stream;
            }

            routed.Exit();
            if (last is not null)
            {
                await last.DisposeAsync().ConfigureAwait(false);
            }

            last = stream;
            if (!Observe(routed, stream.Failure))
            {
                return stream;
            }
        }

        return last ?? UpstreamStream.Failed("none", NoChannel());
    }

    private static UpstreamFailure NoChannel() =>
        new(UpstreamFailureKind.Unavailable, "No upstream channel is enabled. Enable a channel or set GEMINI_API_KEY.");

    private static UpstreamRequest ForChannel(UpstreamRequest request, RoutedChannel routed)
    {
        var mapped = routed.MapModel(request.Model);
        return ReferenceEquals(mapped, request.Model) ? request : request with { Model = mapped };
    }

    /// <summary>Records an outcome on the channel; returns whether another channel should be tried.</summary>
    private bool Observe(RoutedChannel routed, UpstreamFailure? failure)
    {
        if (failure is null)
        {
            routed.Breaker.OnSuccess();
            routed.Count(null, failedOver: false);
            return false;
        }

        switch (failure.Kind)
        {
            case UpstreamFailureKind.RateLimited:
                routed.CoolDown(_time.GetUtcNow() + (failure.RetryAfter ?? TimeSpan.FromSeconds(_options.RateLimitBackoffSeconds)));
                routed.Breaker.OnNeutral();
                break;
            case UpstreamFailureKind.InvalidRequest or UpstreamFailureKind.ModelNotFound or UpstreamFailureKind.Unsupported:
                // The upstream answered sensibly; the request is at fault.
                routed.Breaker.OnSuccess();
                break;
            default:
                routed.Breaker.OnFailure();
                break;
        }

        var failover = failure.Kind.AllowsFailover();
        routed.Count(failure, failover);
        return failover;
    }

    /// <summary>Takes a slot on the best usable channel not yet tried; or says why there is none.</summary>
    private async ValueTask<(RoutedChannel? Channel, int Index, UpstreamFailure? Refusal)> AcquireAsync(RoutedChannel[] channels, ulong tried, CancellationToken cancellationToken)
    {
        var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var count = Math.Min(channels.Length, MaxChannels);

        // A pick can lose a race for the last slot or the half-open probe: then look again without it.
        var skipped = tried;
        while (true)
        {
            var index = PickWeighted(channels, count, skipped, nowMs);
            if (index < 0)
            {
                break;
            }

            var candidate = channels[index];
            if (candidate.TryEnter())
            {
                if (candidate.Breaker.TryAllow())
                {
                    return (candidate, index, null);
                }

                candidate.Exit();
            }

            skipped |= 1UL << index;
        }

        // Nothing free: wait briefly for a slot on the first capped channel that is otherwise usable.
        var capped = -1;
        var cooling = -1;
        var broken = -1;
        DateTimeOffset? breakerUntil = null;
        var anyEnabled = false;
        for (var i = 0; i < count; i++)
        {
            var c = channels[i];
            if (!c.Enabled || (tried & (1UL << i)) != 0)
            {
                continue;
            }

            anyEnabled = true;
            if (!c.Breaker.WouldAllow())
            {
                broken = broken < 0 ? i : broken;
                breakerUntil = breakerUntil is { } b && c.Breaker.OpenUntil is { } o && o > b ? b : c.Breaker.OpenUntil ?? breakerUntil;
                continue;
            }

            if (c.IsCooling(nowMs))
            {
                cooling = cooling < 0 ? i : cooling;
                continue;
            }

            if (!c.HasFreeSlot && capped < 0)
            {
                capped = i;
            }
        }

        if (capped >= 0)
        {
            var c = channels[capped];
            if (await c.WaitEnterAsync(TimeSpan.FromMilliseconds(_options.CapacityWaitMs), cancellationToken).ConfigureAwait(false))
            {
                if (c.Breaker.TryAllow())
                {
                    return (c, capped, null);
                }

                c.Exit();
            }

            return (null, -1, new UpstreamFailure(
                UpstreamFailureKind.RateLimited,
                "Every upstream channel is at its concurrency limit.",
                TimeSpan.FromSeconds(1)));
        }

        if (cooling >= 0)
        {
            var c = channels[cooling];
            if (c.TryEnter())
            {
                if (c.Breaker.TryAllow())
                {
                    return (c, cooling, null);
                }

                c.Exit();
            }
        }

        // Panic mode: when every channel's breaker is open, trying one beats refusing every call (and its
        // success closes the breaker at once).
        if (broken >= 0 && channels[broken].TryEnter())
        {
            return (channels[broken], broken, null);
        }

        if (breakerUntil is { } until)
        {
            var wait = until - _time.GetUtcNow();
            return (null, -1, new UpstreamFailure(
                UpstreamFailureKind.Unavailable,
                "Every upstream channel is failing (circuit breakers open).",
                wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1)));
        }

        return (null, -1, anyEnabled || tried != 0 ? new UpstreamFailure(UpstreamFailureKind.Unavailable, "No upstream channel could take the call.") : NoChannel());
    }

    /// <summary>Index of a weighted-random usable channel in the lowest priority tier that has one; -1 when none.</summary>
    private static int PickWeighted(RoutedChannel[] channels, int count, ulong skipped, long nowMs)
    {
        var i = 0;
        while (i < count)
        {
            var priority = channels[i].Priority;
            var end = i;
            long total = 0;
            while (end < count && channels[end].Priority == priority)
            {
                if (Usable(channels[end], end, skipped, nowMs))
                {
                    total += channels[end].Weight;
                }

                end++;
            }

            if (total > 0)
            {
#pragma warning disable CA5394 // a weighted pick among channels, not a secret
                var ticket = Random.Shared.NextInt64(total);
#pragma warning restore CA5394
                for (var j = i; j < end; j++)
                {
                    if (Usable(channels[j], j, skipped, nowMs))
                    {
                        ticket -= channels[j].Weight;
                        if (ticket < 0)
                        {
                            return j;
                        }
                    }
                }
            }

            i = end;
        }

        return -1;
    }

    private static bool Usable(RoutedChannel c, int index, ulong skipped, long nowMs) =>
        c.Enabled && (skipped & (1UL << index)) == 0 && !c.IsCooling(nowMs) && c.HasFreeSlot && c.Breaker.WouldAllow();
}
