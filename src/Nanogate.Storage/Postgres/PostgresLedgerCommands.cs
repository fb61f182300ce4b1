using Dapper;
using Nanogate.Storage.Ledger;
using Npgsql;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// Ledger statements that run inside a caller's transaction, so that a charge commits atomically with the state it
/// pays for. Each is one statement: the balance or reservation row is locked and changed together with its ledger
/// entry, so concurrent callers in other processes see either all of it or none.
/// </summary>
internal static class PostgresLedgerCommands
{
    /// <summary>
    /// Credits the account; returns the new balance, or null, writing nothing, when it would exceed
    /// <see cref="ILedger.MaxBalance"/>. Throws when there is no such account.
    /// </summary>
    public static async Task<long?> TopUpAsync(NpgsqlConnection c, NpgsqlTransaction tx, string accountId, long credits, string? note, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(credits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(credits, ILedger.MaxBalance);

        // The bound is checked in the same statement as the addition (never overflowing: both sides stay below 2^63).
        var row = await c.QuerySingleAsync<(long? Available, bool Found)>(
            """
            WITH a AS (
                UPDATE accounts SET credits_available = credits_available + @credits
                WHERE id = @accountId AND credits_available <= @max - @credits
                RETURNING credits_available),
            e AS (INSERT INTO ledger_entries (account_id, kind, amount, note, created_at) SELECT @accountId, 'topup', @credits, @note, @now FROM a)
            SELECT (SELECT credits_available FROM a), EXISTS (SELECT 1 FROM accounts WHERE id = @accountId)
            """,
            new { accountId, credits, note, now, max = ILedger.MaxBalance }, tx).ConfigureAwait(false);
        return row.Available ?? (row.Found ? null : throw new KeyNotFoundException($"No account {accountId}."));
    }

    /// <summary>
    /// Holds <paramref name="credits"/> if the account has them. One conditional UPDATE: the balance check and the
    /// debit are the same statement (a concurrent one re-checks the row once the first commits), and the CHECK on
    /// the column stands behind it.
    /// </summary>
    public static async Task<Reservation?> TryReserveAsync(NpgsqlConnection c, NpgsqlTransaction tx, string accountId, long credits, string purpose, string? model, long now, KeyHold? key = null)
    {
        if (key is { Capped: true })
        {
            await CheckSpendCapAsync(c, tx, key.KeyId, credits, now).ConfigureAwait(false);
        }

        var id = Ids.New("res_");
        var reserved = await c.ExecuteScalarAsync<long>(ReserveSql, new { id, accountId, keyId = key?.KeyId, credits, purpose, model, now }, tx).ConfigureAwait(false);
        return reserved == 0 ? null : new Reservation(id, accountId, credits, 0, 0, null);
    }

    /// <summary>
    /// Throws <see cref="SpendCapExceededException"/> if holding <paramref name="credits"/> would take the key past a cap.
    /// The key's row is locked first (so holds of one capped key run one at a time until their transactions commit), and
    /// the sum is a later statement: under READ COMMITTED it sees every hold of the key committed before the lock was
    /// granted. Keys without a cap never take the lock.
    /// </summary>
    public static async Task CheckSpendCapAsync(NpgsqlConnection c, NpgsqlTransaction tx, string keyId, long credits, long now)
    {
        var caps = await c.QuerySingleOrDefaultAsync<(long? Daily, long? Monthly)>(
            "SELECT daily_cap, monthly_cap FROM api_keys WHERE id = @keyId FOR NO KEY UPDATE", new { keyId }, tx).ConfigureAwait(false);
        if (caps.Daily is null && caps.Monthly is null)
        {
            return;
        }

        var spent = await c.QuerySingleAsync<(long Today, long Month)>(
            """
            SELECT COALESCE(SUM(CASE WHEN created_at >= @dayStart THEN amount - released ELSE 0 END), 0)::bigint, COALESCE(SUM(amount - released), 0)::bigint
            FROM reservations WHERE key_id = @keyId AND created_at >= @from
            """,
            new { keyId, dayStart = SpendCaps.DayStart(now), from = SpendCaps.MonthStart(now) }, tx).ConfigureAwait(false);
        SpendCaps.Check(caps.Daily, caps.Monthly, spent.Today, spent.Month, credits);
    }

    /// <summary>The statement of <see cref="TryReserveAsync"/>, also embedded in a task's create (parameters id, accountId, keyId, credits, purpose, model, now).</summary>
    public const string ReserveCtes = """
        a AS (UPDATE accounts SET credits_available = credits_available - @credits WHERE id = @accountId AND credits_available >= @credits RETURNING id),
        r AS (INSERT INTO reservations (id, account_id, key_id, amount, purpose, model, created_at) SELECT @id, a.id, @keyId, @credits, @purpose, @model, @now FROM a RETURNING id),
        re AS (INSERT INTO ledger_entries (account_id, kind, amount, reservation_id, model, created_at) SELECT @accountId, 'reserve', @credits, r.id, @model, @now FROM r)
        """;

    private const string ReserveSql = $"WITH {ReserveCtes} SELECT count(*) FROM r";

    /// <summary>Captures up to <paramref name="credits"/> of what the reservation still holds; returns what was captured.</summary>
    public static Task<long> CaptureAsync(NpgsqlConnection c, NpgsqlTransaction tx, string reservationId, long credits, long now) =>
        c.ExecuteScalarAsync<long>($"WITH {CaptureCtes} SELECT COALESCE((SELECT take FROM cap), 0)", new { reservationId, credits, now }, tx);

    /// <summary>
    /// Captures up to @credits from reservation @reservationId (CTE <c>cap</c> returns account_id and take). The row is
    /// locked and read in the sub-select, so the amount is computed from its latest committed state.
    /// </summary>
    public const string CaptureCtes = """
        cap AS (
            UPDATE reservations r SET captured = r.captured + x.take
            FROM (SELECT id, LEAST(@credits, amount - captured - released) AS take FROM reservations
                  WHERE id = @reservationId AND settled_at IS NULL FOR UPDATE) x
            WHERE r.id = x.id AND x.take > 0
            RETURNING r.account_id, x.take),
        cape AS (INSERT INTO ledger_entries (account_id, kind, amount, reservation_id, created_at) SELECT account_id, 'capture', take, @reservationId, @now FROM cap)
        """;

    /// <summary>Releases what the reservation still holds and closes it; returns what was released (0 if it was settled already).</summary>
    public static Task<long> ReleaseRemainingAsync(NpgsqlConnection c, NpgsqlTransaction tx, string reservationId, long now) =>
        c.ExecuteScalarAsync<long>($"WITH {ReleaseCtes} SELECT COALESCE((SELECT rest FROM rel), 0)", new { reservationId, now }, tx);

    /// <summary>
    /// Releases what reservation @reservationId still holds and closes it (CTE <c>rel</c> returns account_id and rest;
    /// no row when it was settled already): the balance goes back up in the same statement.
    /// </summary>
    public const string ReleaseCtes = """
        rel AS (
            UPDATE reservations r SET released = r.released + x.rest, settled_at = @now
            FROM (SELECT id, account_id, amount - captured - released AS rest FROM reservations
                  WHERE id = @reservationId AND settled_at IS NULL FOR UPDATE) x
            WHERE r.id = x.id
            RETURNING x.account_id, x.rest),
        relacc AS (UPDATE accounts SET credits_available = credits_available + rel.rest FROM rel WHERE accounts.id = rel.account_id AND rel.rest > 0),
        rele AS (INSERT INTO ledger_entries (account_id, kind, amount, reservation_id, created_at) SELECT account_id, 'release', rest, @reservationId, @now FROM rel WHERE rest > 0)
        """;

    /// <summary>A reservation as it is now; throws when there is none.</summary>
    public static async Task<Reservation> GetAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string reservationId)
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
