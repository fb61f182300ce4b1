using System.Collections.Concurrent;

namespace Nanogate.Upstreams.Channels;

/// <summary>
/// Sends a call to the first available channel (by priority) and fails over to the next on a
/// failure another channel may not have (rate limits, outages, bad credentials). A rate-limited
/// channel cools down for Google's retryDelay.
/// </summary>
public sealed class ChannelRouter
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _coolingUntil = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Lock _changes = new();
    private volatile IReadOnlyList<RoutedChannel> _channels;

    /// <summary>Creates a router over channels in priority order.</summary>
    public ChannelRouter(IEnumerable<RoutedChannel> channels, TimeProvider time)
    {
        _channels = [.. channels.OrderBy(c => c.Priority)];
        _time = time;
    }

    /// <summary>The channels, in priority order.</summary>
    public IReadOnlyList<RoutedChannel> Channels => _channels;

    /// <summary>The kind of the channel named <paramref name="channel"/> (e.g. "gemini", "simulator"), or the name itself if it is gone.</summary>
    public string KindOf(string channel) =>
        _channels.FirstOrDefault(c => c.Channel.Name == channel)?.Channel.Kind ?? channel;

    /// <summary>When a channel may be used again after a rate limit, or null.</summary>
    public DateTimeOffset? CoolingUntil(string channel) =>
        _coolingUntil.TryGetValue(channel, out var until) && until > _time.GetUtcNow() ? until : null;

    /// <summary>Adds a channel (copy-on-write: calls in flight keep the list they started with); false when the name is taken.</summary>
    public bool Add(RoutedChannel channel)
    {
        lock (_changes)
        {
            if (_channels.Any(c => c.Channel.Name == channel.Channel.Name))
            {
                return false;
            }

            _channels = [.. _channels.Append(channel).OrderBy(c => c.Priority)];
            return true;
        }
    }

    /// <summary>Removes a channel (not disposed: calls in flight may still be using it); false when no channel has that name.</summary>
    public bool Remove(string channel)
    {
        RoutedChannel? found;
        lock (_changes)
        {
            found = _channels.FirstOrDefault(c => c.Channel.Name == channel);
            if (found is null)
            {
                return false;
            }

            _channels = [.. _channels.Where(c => !ReferenceEquals(c, found))];
        }

        _coolingUntil.TryRemove(channel, out _);
        return true;
    }

    /// <summary>Enables or disables a channel; false when no channel has that name.</summary>
    public bool SetEnabled(string channel, bool enabled)
    {
        var found = _channels.FirstOrDefault(c => c.Channel.Name == channel);
        if (found is null)
        {
            return false;
        }

        found.Enabled = enabled;
        return true;
    }

    /// <summary>generateContent with failover.</summary>
    public async Task<UpstreamResponse> GenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        UpstreamResponse? last = null;
        foreach (var channel in Candidates())
        {
            var response = await channel.Channel.GenerateContentAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.IsSuccess || !Observe(channel, response.Failure!))
            {
                return response;
            }

            last = response;
        }

        return last ?? UpstreamResponse.Failed("none", NoChannel());
    }

    /// <summary>streamGenerateContent with failover before the first event.</summary>
    public async Task<UpstreamStream> StreamGenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        UpstreamStream? last = null;
        foreach (var channel in Candidates())
        {
            var stream = await channel.Channel.StreamGenerateContentAsync(request, cancellationToken).ConfigureAwait(false);
            if (stream.IsSuccess || !Observe(channel, stream.Failure!))
            {
                return stream;
            }

            last = stream;
        }

        return last ?? UpstreamStream.Failed("none", NoChannel());
    }

    private static UpstreamFailure NoChannel() =>
        new(UpstreamFailureKind.Unavailable, "No upstream channel is enabled. Enable a channel or set GEMINI_API_KEY.");

    /// <summary>Enabled channels, those not cooling down first (a cooling one is still tried last rather than failing outright).</summary>
    private IEnumerable<RoutedChannel> Candidates()
    {
        var now = _time.GetUtcNow();
        var enabled = _channels.Where(c => c.Enabled).ToList();
        return enabled.Where(c => !IsCooling(c, now)).Concat(enabled.Where(c => IsCooling(c, now)));
    }

    private bool IsCooling(RoutedChannel c, DateTimeOffset now) => _coolingUntil.TryGetValue(c.Channel.Name, out var until) && until > now;

    /// <summary>Records a failure; returns whether another channel should be tried.</summary>
    private bool Observe(RoutedChannel channel, UpstreamFailure failure)
    {
        if (failure.Kind == UpstreamFailureKind.RateLimited)
        {
            _coolingUntil[channel.Channel.Name] = _time.GetUtcNow() + (failure.RetryAfter ?? TimeSpan.FromSeconds(10));
        }

        return failure.Kind.AllowsFailover();
    }
}
