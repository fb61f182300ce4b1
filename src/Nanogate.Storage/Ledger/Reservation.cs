namespace Nanogate.Storage.Ledger;

/// <summary>Credits held for work in progress: captured as work succeeds, the rest released.</summary>
public sealed record Reservation(string Id, string AccountId, long Amount, long Captured, long Released, DateTimeOffset? SettledAt)
{
    /// <summary>Credits still held.</summary>
    public long Outstanding => Amount - Captured - Released;
}
