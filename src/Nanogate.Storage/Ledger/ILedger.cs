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
    Task<Reservation?> TryReserveAsync(string accountId, long credits, string purpose, string? model, CancellationToken cancellationToken) =>
        TryReserveAsync(accountId, credits, purpose, model, null, cancellationToken);

    /// <summary>
    /// Holds <paramref name="credits"/> for a request made with <paramref name="key"/> (recorded on the reservation), if the
    /// account has them (null when it does not). If the key has a spending cap, the key's spend this UTC day and month
    /// (credits captured or still held by its reservations) is summed in the same transaction as the hold, serialized
    /// per key, and a hold that would pass a cap throws <see cref="SpendCapExceededException"/>, writing nothing: so
    /// concurrent requests never take a key past its cap.
    /// </summary>
    Task<Reservation?> TryReserveAsync(string accountId, long credits, string purpose, string? model, KeyHold? key, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a reservation: captures <paramref name="capture"/> (clamped to what is still held) and
    /// releases the rest. Settling twice is a no-op (the first settlement stands).
    /// </summary>
    Task<Reservation> SettleAsync(string reservationId, long capture, CancellationToken cancellationToken) =>
        SettleAsync(reservationId, capture, null, cancellationToken);

    /// <summary>
    /// <see cref="SettleAsync(string, long, CancellationToken)"/>, recording the upstream <paramref name="channel"/> that
    /// served the request (for per-channel usage); a second settlement changes nothing, the channel included.
    /// </summary>
    Task<Reservation> SettleAsync(string reservationId, long capture, string? channel, CancellationToken cancellationToken) =>
        SettleAsync(reservationId, capture, channel, SettleUsage.None, cancellationToken);

    /// <summary>
    /// <see cref="SettleAsync(string, long, string, CancellationToken)"/>, recording what the request delivered (images,
    /// credits refunded) for usage; a second settlement changes nothing.
    /// </summary>
    Task<Reservation> SettleAsync(string reservationId, long capture, string? channel, SettleUsage usage, CancellationToken cancellationToken);

    /// <summary>
    /// Releases what open reservations still hold that were made before <paramref name="createdBefore"/> (unix ms) by
    /// requests rather than tasks (a task's reservation is settled by the task's own end): their request died with its
    /// process, or its settlement failed. At most <paramref name="max"/>; returns how many were released. Safe to run on
    /// every process at once (each is settled once). Callers choose a cutoff past the longest a request can take, since a
    /// settlement after the release captures nothing.
    /// </summary>
    Task<int> ReleaseAbandonedHoldsAsync(long createdBefore, int max, CancellationToken cancellationToken);

    /// <summary>The account's balance.</summary>
    Task<AccountBalance> GetBalanceAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Recomputes the available balance from the ledger entries alone (for audits and tests).</summary>
    Task<long> RecomputeAvailableAsync(string accountId, CancellationToken cancellationToken);
}
