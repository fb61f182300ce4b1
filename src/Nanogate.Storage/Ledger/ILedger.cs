namespace Nanogate.Storage.Ledger;

/// <summary>
/// The credit ledger: append-only entries (top-up, reserve, capture, release). A reservation never
/// takes the available balance below zero, also under concurrent requests.
/// </summary>
public interface ILedger
{
    /// <summary>Adds credits; returns the new available balance.</summary>
    Task<long> TopUpAsync(string accountId, long credits, string? note, CancellationToken cancellationToken);

    /// <summary>Holds <paramref name="credits"/> if the account has them; null when it does not.</summary>
    Task<Reservation?> TryReserveAsync(string accountId, long credits, string purpose, string? model, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a reservation: captures <paramref name="capture"/> (clamped to what is still held) and
    /// releases the rest. Settling twice is a no-op (the first settlement stands).
    /// </summary>
    Task<Reservation> SettleAsync(string reservationId, long capture, CancellationToken cancellationToken);

    /// <summary>The account's balance.</summary>
    Task<AccountBalance> GetBalanceAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Recomputes the available balance from the ledger entries alone (for audits and tests).</summary>
    Task<long> RecomputeAvailableAsync(string accountId, CancellationToken cancellationToken);
}
