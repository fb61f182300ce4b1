namespace Nanogate.Upstreams.Routing;

/// <summary>
/// Opens after <see cref="RouterOptions.BreakerFailures"/> consecutive failures, lets one probe through once
/// <see cref="RouterOptions.BreakerOpenSeconds"/> have passed (half-open), closes on the probe's success and
/// opens again on its failure. The closed state costs one volatile read per call.
/// </summary>
public sealed class CircuitBreaker(int threshold, TimeSpan openFor, TimeProvider time)
{
    private readonly Lock _gate = new();
    private volatile BreakerState _state = BreakerState.Closed;
    private int _consecutiveFailures;
    private DateTimeOffset _openUntil;
    private bool _probing;

    /// <summary>The state now (an open breaker whose time has passed reads as half-open).</summary>
    public BreakerState State
    {
        get
        {
            var state = _state;
            return state == BreakerState.Open && time.GetUtcNow() >= _openUntil ? BreakerState.HalfOpen : state;
        }
    }

    /// <summary>When an open breaker lets a probe through, or null when not open.</summary>
    public DateTimeOffset? OpenUntil => _state == BreakerState.Open ? _openUntil : null;

    /// <summary>Consecutive failures so far.</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>Whether a call may go now; in half-open, true for exactly one probe at a time.</summary>
    public bool TryAllow()
    {
        if (_state == BreakerState.Closed)
        {
            return true;
        }

        lock (_gate)
        {
            if (_state == BreakerState.Open)
            {
                if (time.GetUtcNow() < _openUntil)
                {
                    return false;
                }

                _state = BreakerState.HalfOpen;
                _probing = false;
            }

            if (_state == BreakerState.HalfOpen)
            {
                if (_probing)
                {
                    return false;
                }

                _probing = true;
            }

            return true;
        }
    }

    /// <summary>Whether a call could go now (without taking the half-open probe).</summary>
    public bool WouldAllow() => _state == BreakerState.Closed || (State == BreakerState.HalfOpen && !_probing);

    /// <summary>The upstream answered (an image, or a refusal that is the request's fault): closes the breaker.</summary>
    public void OnSuccess()
    {
        if (_state == BreakerState.Closed && Volatile.Read(ref _consecutiveFailures) == 0)
        {
            return;
        }

        lock (_gate)
        {
            _consecutiveFailures = 0;
            _probing = false;
            _state = BreakerState.Closed;
        }
    }

    /// <summary>The upstream failed in a way that says it is unwell (5xx, timeout, garbage, refused credentials).</summary>
    public void OnFailure()
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            if (_state == BreakerState.HalfOpen || _consecutiveFailures >= threshold)
            {
                _state = BreakerState.Open;
                _openUntil = time.GetUtcNow() + openFor;
                _probing = false;
            }
        }
    }

    /// <summary>A call that says nothing about the upstream's health (rate limited, cancelled) ends: frees the probe.</summary>
    public void OnNeutral()
    {
        if (_state == BreakerState.Closed)
        {
            return;
        }

        lock (_gate)
        {
            _probing = false;
        }
    }
}
