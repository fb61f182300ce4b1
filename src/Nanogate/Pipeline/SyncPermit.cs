using System.Threading.RateLimiting;

namespace Nanogate.Pipeline;

/// <summary>
/// The answer of <see cref="SyncGenerationGate.EnterAsync"/>: a slot (held until disposed, which the bound does when the
/// response has been sent) or the reason there is none.
/// </summary>
internal sealed class SyncPermit : IDisposable
{
    private readonly SyncGenerationGate? _gate;
    private RateLimitLease? _account;
    private RateLimitLease? _slot;

    private SyncPermit(SyncGenerationGate? gate, RateLimitLease? account, RateLimitLease? slot, SyncRefusal? refusal)
    {
        _gate = gate;
        _account = account;
        _slot = slot;
        Refusal = refusal;
    }

    /// <summary>Why there is no slot; null when the permit holds one.</summary>
    public SyncRefusal? Refusal { get; }

    /// <summary>A granted permit holding the process's slot and the account's lease (none when there is no per-account bound).</summary>
    public static SyncPermit Granted(SyncGenerationGate gate, RateLimitLease? account, RateLimitLease slot) => new(gate, account, slot, null);

    /// <summary>A refusal (holds nothing).</summary>
    public static SyncPermit Refused(SyncRefusal refusal) => new(null, null, null, refusal);

    /// <summary>Gives the slot and the account's lease back (once, whoever calls).</summary>
    public void Dispose()
    {
        var slot = Interlocked.Exchange(ref _slot, null);
        if (slot is null)
        {
            return;
        }

        slot.Dispose();
        Interlocked.Exchange(ref _account, null)?.Dispose();
        _gate?.Left();
    }
}
