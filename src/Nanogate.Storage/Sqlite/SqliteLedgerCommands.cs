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

    // The hot statements: prepared once per writer connection (see SqliteStatement for why and what it saved).
    private static readonly SqliteStatement Debit = new(
        "UPDATE accounts SET credits_available = credits_available - @credits WHERE id = @accountId AND credits_available >= @credits", "credits", "accountId");

    private static readonly SqliteStatement InsertReservation = new(
        "INSERT INTO reservations (id, account_id, key_id, amount, purpose, model, created_at) VALUES (@id, @accountId, @keyId, @credits, @purpose, @model, @now)",
        "id", "accountId", "keyId", "credits", "purpose", "model", "now");

    private static readonly SqliteStatement InsertEntry = new(
        "INSERT INTO ledger_entries (account_id, kind, amount, reservation_id, model, created_at) VALUES (@accountId, @kind, @amount, @reservationId, @model, @now)",
        "accountId", "kind", "amount", "reservationId", "model", "now");

    private static readonly SqliteStatement SelectReservation = new(
        "SELECT id, account_id, amount, captured, released, settled_at FROM reservations WHERE id = @id", "id");

    private static readonly SqliteStatement AddCaptured = new("UPDATE reservations SET captured = captured + @amount WHERE id = @id", "amount", "id");

    private static readonly SqliteStatement Close = new(
        "UPDATE reservations SET released = released + @amount, settled_at = @now WHERE id = @id", "amount", "now", "id");

    private static readonly SqliteStatement CloseWithUsage = new(
        """
        UPDATE reservations SET channel = COALESCE(@channel, channel), images = @images, refunded = @refunded,
               captured = captured + @captured, released = released + @released, settled_at = @now
        WHERE id = @id
        """,
        "channel", "images", "refunded", "captured", "released", "now", "id");

    private static readonly SqliteStatement Credit = new("UPDATE accounts SET credits_available = credits_available + @amount WHERE id = @accountId", "amount", "accountId");

    public static Task<Reservation?> TryReserveAsync(SqliteConnection c, SqliteTransaction tx, string accountId, long credits, string purpose, string? model, long now, KeyHold? key = null)
    {
        if (key is { Capped: true })
        {
            // One writer at a time (BEGIN IMMEDIATE), so the key's spend read here cannot change before the hold commits.
            CheckSpendCap(c, tx, key.KeyId, credits, now);
        }

        // One conditional UPDATE: the balance check and the debit are the same statement.
        if (Debit.Execute(c, tx, credits, accountId) == 0)
        {
            return Task.FromResult<Reservation?>(null);
        }

        var id = Ids.New("res_");
        InsertReservation.Execute(c, tx, id, accountId, key?.KeyId, credits, purpose, model, now);
        InsertEntry.Execute(c, tx, accountId, "reserve", credits, id, model, now);
        return Task.FromResult<Reservation?>(new Reservation(id, accountId, credits, 0, 0, null));
    }

    /// <summary>Throws <see cref="SpendCapExceededException"/> if holding <paramref name="credits"/> would take the key past a cap.</summary>
    private static void CheckSpendCap(SqliteConnection c, SqliteTransaction tx, string keyId, long credits, long now)
    {
        var caps = c.QuerySingleOrDefault<(long? Daily, long? Monthly)>(
            "SELECT daily_cap, monthly_cap FROM api_keys WHERE id = @keyId", new { keyId }, tx);
        if (caps.Daily is null && caps.Monthly is null)
        {
            return;
        }

        var dayStart = SpendCaps.DayStart(now);
        var spent = c.QuerySingle<(long Today, long Month)>(
            """
            SELECT COALESCE(SUM(CASE WHEN created_at >= @dayStart THEN amount - released ELSE 0 END), 0), COALESCE(SUM(amount - released), 0)
            FROM reservations WHERE key_id = @keyId AND created_at >= @from
            """,
            new { keyId, dayStart, from = SpendCaps.MonthStart(now) }, tx);
        SpendCaps.Check(caps.Daily, caps.Monthly, spent.Today, spent.Month, credits);
    }

    /// <summary>Captures up to <paramref name="credits"/> of what the reservation still holds; returns what was captured.</summary>
    public static Task<long> CaptureAsync(SqliteConnection c, SqliteTransaction tx, string reservationId, long credits, long now)
    {
        var r = Get(c, tx, reservationId);
        var amount = Math.Min(credits, r.Outstanding);
        if (amount <= 0 || r.SettledAt is not null)
        {
            return Task.FromResult(0L);
        }

        AddCaptured.Execute(c, tx, amount, reservationId);
        InsertEntry.Execute(c, tx, r.AccountId, "capture", amount, reservationId, null, now);
        return Task.FromResult(amount);
    }

    /// <summary>Releases what the reservation still holds and closes it; returns what was released.</summary>
    public static Task<long> ReleaseRemainingAsync(SqliteConnection c, SqliteTransaction tx, string reservationId, long now)
    {
        var r = Get(c, tx, reservationId);
        if (r.SettledAt is not null)
        {
            return Task.FromResult(0L);
        }

        var amount = r.Outstanding;
        Close.Execute(c, tx, amount, now, reservationId);
        ReturnToAccount(c, tx, r.AccountId, amount, reservationId, now);
        return Task.FromResult(amount);
    }

    /// <summary>
    /// Ends a hold in one pass: captures up to <paramref name="capture"/>, releases the rest, records what it served
    /// (<paramref name="channel"/>, <paramref name="usage"/>; refunded is at most what was released) and closes it. A
    /// reservation settled already is returned as it is. Returns the reservation as it is now.
    /// </summary>
    public static Reservation Settle(SqliteConnection c, SqliteTransaction tx, string reservationId, long capture, string? channel, SettleUsage usage, long now)
    {
        var r = Get(c, tx, reservationId);
        if (r.SettledAt is not null)
        {
            return r;
        }

        var captured = Math.Max(0, Math.Min(capture, r.Outstanding));
        var released = r.Outstanding - captured;
        CloseWithUsage.Execute(c, tx, channel, usage.Images, Math.Min(usage.Refunded, released), captured, released, now, reservationId);
        if (captured > 0)
        {
            InsertEntry.Execute(c, tx, r.AccountId, "capture", captured, reservationId, null, now);
        }

        ReturnToAccount(c, tx, r.AccountId, released, reservationId, now);
        return r with { Captured = r.Captured + captured, Released = r.Released + released, SettledAt = DateTimeOffset.FromUnixTimeMilliseconds(now) };
    }

    /// <summary>The reservation as it is now; throws when there is none.</summary>
    public static Task<Reservation> GetAsync(SqliteConnection c, SqliteTransaction tx, string reservationId) => Task.FromResult(Get(c, tx, reservationId));

    private static Reservation Get(SqliteConnection c, SqliteTransaction tx, string reservationId)
    {
        using var row = SelectReservation.Query(c, tx, reservationId);
        return row.Read()
            ? new Reservation(row.GetString(0), row.GetString(1), row.GetInt64(2), row.GetInt64(3), row.GetInt64(4),
                row.IsDBNull(5) ? null : DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(5)))
            : throw new KeyNotFoundException($"No reservation {reservationId}.");
    }

    private static void ReturnToAccount(SqliteConnection c, SqliteTransaction tx, string accountId, long amount, string reservationId, long now)
    {
        if (amount > 0)
        {
            Credit.Execute(c, tx, amount, accountId);
            InsertEntry.Execute(c, tx, accountId, "release", amount, reservationId, null, now);
        }
    }
}
