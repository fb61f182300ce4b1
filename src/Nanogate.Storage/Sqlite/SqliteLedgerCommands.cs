using Dapper;
using Microsoft.Data.Sqlite;
using Nanogate.Storage.Ledger;

namespace Nanogate.Storage.Sqlite;

/// <summary>
/// Ledger statements that run inside a caller's write transaction, so that a charge can commit
/// atomically with the state it pays for (an image's success, a task's end).
/// </summary>
internal static class SqliteLedgerCommands
{
    public static async Task<long?> TopUpAsync(SqliteConnection c, SqliteTransaction tx, string accountId, long credits, string? note, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(credits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(credits, ILedger.MaxBalance);

        // The bound is checked in the same statement as the addition (never overflowing: both sides stay below 2^63).
        var updated = await c.ExecuteAsync(
            "UPDATE accounts SET credits_available = credits_available + @credits WHERE id = @accountId AND credits_available <= @max - @credits",
            new { credits, accountId, max = ILedger.MaxBalance }, tx).ConfigureAwait(false);
        if (updated == 0)
        {
            return await c.ExecuteScalarAsync<long>("SELECT count(*) FROM accounts WHERE id = @accountId", new { accountId }, tx).ConfigureAwait(false) == 0
                ? throw new KeyNotFoundException($"No account {accountId}.")
                : null;
        }

        await c.ExecuteAsync(
            "INSERT INTO ledger_entries (account_id, kind, amount, note, created_at) VALUES (@accountId, 'topup', @credits, @note, @now)",
            new { accountId, credits, note, now }, tx).ConfigureAwait(false);
        return await c.ExecuteScalarAsync<long>("SELECT credits_available FROM accounts WHERE id = @accountId", new { accountId }, tx).ConfigureAwait(false);
    }

    public static async Task<Reservation?> TryReserveAsync(SqliteConnection c, SqliteTransaction tx, string accountId, long credits, string purpose, string? model, long now, KeyHold? key = null)
    {
        if (key is not null)
        {
            // One writer at a time (BEGIN IMMEDIATE), so the key's spend read here cannot change before the hold commits.
            await CheckSpendCapAsync(c, tx, key.KeyId, credits, now).ConfigureAwait(false);
        }

        // One conditional UPDATE: the balance check and the debit are the same statement.
        var updated = await c.ExecuteAsync(
            "UPDATE accounts SET credits_available = credits_available - @credits WHERE id = @accountId AND credits_available >= @credits",
            new { credits, accountId }, tx).ConfigureAwait(false);
        if (updated == 0)
        {
            return null;
        }

        var id = Ids.New("res_");
        await c.ExecuteAsync(
            "INSERT INTO reservations (id, account_id, key_id, amount, purpose, model, created_at) VALUES (@id, @accountId, @keyId, @credits, @purpose, @model, @now)",
            new { id, accountId, keyId = key?.KeyId, credits, purpose, model, now }, tx).ConfigureAwait(false);
        await c.ExecuteAsync(
            "INSERT INTO ledger_entries (account_id, kind, amount, reservation_id, model, created_at) VALUES (@accountId, 'reserve', @credits, @id, @model, @now)",
            new { accountId, credits, id, model, now }, tx).ConfigureAwait(false);
        return new Reservation(id, accountId, credits, 0, 0, null);
    }

    /// <summary>Throws <see cref="SpendCapExceededException"/> if holding <paramref name="credits"/> would take the key past a cap.</summary>
    private static async Task CheckSpendCapAsync(SqliteConnection c, SqliteTransaction tx, string keyId, long credits, long now)
    {
        var caps = await c.QuerySingleOrDefaultAsync<(long? Daily, long? Monthly)>(
            "SELECT daily_cap, monthly_cap FROM api_keys WHERE id = @keyId", new { keyId }, tx).ConfigureAwait(false);
        if (caps.Daily is null && caps.Monthly is null)
        {
            return;
        }

        var dayStart = SpendCaps.DayStart(now);
        var spent = await c.QuerySingleAsync<(long Today, long Month)>(
            """
            SELECT COALESCE(SUM(CASE WHEN created_at >= @dayStart THEN amount - released ELSE 0 END), 0), COALESCE(SUM(amount - released), 0)
            FROM reservations WHERE key_id = @keyId AND created_at >= @from
            """,
            new { keyId, dayStart, from = SpendCaps.MonthStart(now) }, tx).ConfigureAwait(false);
        SpendCaps.Check(caps.Daily, caps.Monthly, spent.Today, spent.Month, credits);
    }

    /// <summary>Captures up to <paramref name="credits"/> of what the reservation still holds; returns what was captured.</summary>
    public static async Task<long> CaptureAsync(SqliteConnection c, SqliteTransaction tx, string reservationId, long credits, long now)
    {
        var r = await GetAsync(c, tx, reservationId).ConfigureAwait(false);
        var amount = Math.Min(credits, r.Outstanding);
        if (amount <= 0 || r.SettledAt is not null)
        {
            return 0;
        }

        await c.ExecuteAsync("UPDATE reservations SET captured = captured + @amount WHERE id = @reservationId", new { amount, reservationId }, tx).ConfigureAwait(false);
        await c.ExecuteAsync(
            "INSERT INTO ledger_entries (account_id, kind, amount, reservation_id, created_at) VALUES (@AccountId, 'capture', @amount, @reservationId, @now)",
            new { r.AccountId, amount, reservationId, now }, tx).ConfigureAwait(false);
        return amount;
    }

    /// <summary>Releases what the reservation still holds and closes it; returns what was released.</summary>
    public static async Task<long> ReleaseRemainingAsync(SqliteConnection c, SqliteTransaction tx, string reservationId, long now)
    {
        var r = await GetAsync(c, tx, reservationId).ConfigureAwait(false);
        if (r.SettledAt is not null)
        {
            return 0;
        }

        var amount = r.Outstanding;
        await c.ExecuteAsync(
            "UPDATE reservations SET released = released + @amount, settled_at = @now WHERE id = @reservationId",
            new { amount, reservationId, now }, tx).ConfigureAwait(false);
        if (amount > 0)
        {
            await c.ExecuteAsync("UPDATE accounts SET credits_available = credits_available + @amount WHERE id = @AccountId", new { amount, r.AccountId }, tx).ConfigureAwait(false);
            await c.ExecuteAsync(
                "INSERT INTO ledger_entries (account_id, kind, amount, reservation_id, created_at) VALUES (@AccountId, 'release', @amount, @reservationId, @now)",
                new { r.AccountId, amount, reservationId, now }, tx).ConfigureAwait(false);
        }

        return amount;
    }

    public static async Task<Reservation> GetAsync(SqliteConnection c, SqliteTransaction? tx, string reservationId)
    {
        var row = await c.QuerySingleOrDefaultAsync<ReservationRow>(
            "SELECT id AS Id, account_id AS AccountId, amount AS Amount, captured AS Captured, released AS Released, settled_at AS SettledAt FROM reservations WHERE id = @reservationId",
            new { reservationId }, tx).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"No reservation {reservationId}.");
        return new Reservation(row.Id, row.AccountId, row.Amount, row.Captured, row.Released,
            row.SettledAt is { } s ? DateTimeOffset.FromUnixTimeMilliseconds(s) : null);
    }

    private sealed record ReservationRow(string Id, string AccountId, long Amount, long Captured, long Released, long? SettledAt);
}
