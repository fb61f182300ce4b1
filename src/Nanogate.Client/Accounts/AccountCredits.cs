namespace Nanogate.Client;

/// <summary>An account's balance: <c>topped_up = available + reserved + charged</c>.</summary>
public sealed class AccountCredits
{
    /// <summary>Credits that can be spent now.</summary>
    public long Available { get; set; }

    /// <summary>Credits held by running tasks.</summary>
    public long Reserved { get; set; }

    /// <summary>Credits spent.</summary>
    public long Charged { get; set; }

    /// <summary>Credits ever added.</summary>
    public long ToppedUp { get; set; }
}
