namespace Nanogate.Storage.Ledger;

/// <summary>
/// The credit ledger: append-only entries (top-up, reserve, capture, release). A reservation never
/// takes the available balance below zero, also under concurrent requests.
/// </summary>
public interface ILedger
{
    /// <summary>
    /// The most credits one account may hold available (10^15: far past any real purchase, far below where 64-bit
    /// sums over an account's history could overflow). Top-ups past it are refused, never partly written.
    /// </summary>
    const long MaxBalance = 1_000_000_000_000_000;

    /// <summary>
    /// Adds credits (1 to <see cref="MaxBalance"/>, else <see cref="ArgumentOutOfRangeException"/>); returns the new
    /// available balance, or null, writing nothing, when it would exceed <see cref="MaxBalance"/>.
    /// </summary>
    Task<long?> TopUpAsync(string accountId, long credits, string? note, CancellationToken cancellationToken);

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
