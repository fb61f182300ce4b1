using Nanogate.Operations;
using Nanogate.Pipeline;
using Nanogate.Storage.Ledger;

namespace Nanogate.Billing;

/// <summary>
/// The one place a request's credits are held, captured and released, for every dialect, and the one place the
/// charged credits are counted in the metrics (<c>nanogate_credits_charged_total{dialect,model}</c>). The synchronous
/// dialects hold before the upstream call and capture what was made; the task store holds and captures inside its
/// own transactions (a task's hold is its row), and its worker reports each captured image here.
/// </summary>
internal sealed class CreditHolds(ILedger ledger, NanogateMetrics metrics)
{
    /// <summary>Holds <paramref name="credits"/> on the account, or null when it has not that much available.</summary>
    public async Task<Reservation?> TryHoldAsync(string accountId, long credits, string purpose, string model, CancellationToken cancellationToken)
    {
        using var span = NanogateActivity.Start("ledger.hold");
        var hold = await ledger.TryReserveAsync(accountId, credits, purpose, model, cancellationToken).ConfigureAwait(false);
        if (hold is null)
        {
            NanogateActivity.Fail(span, "insufficient_credits");
        }

        return hold;
    }

    /// <summary>What the account has available now (for a refusal that says how much).</summary>
    public async Task<long> AvailableAsync(string accountId, CancellationToken cancellationToken) =>
        (await ledger.GetBalanceAsync(accountId, cancellationToken).ConfigureAwait(false)).Available;

    /// <summary>
    /// Ends a hold: captures <paramref name="credits"/> (clamped to the hold), releases the rest, records the
    /// <paramref name="channel"/> that served it and counts the capture. Never cancelled: a caller who left is billed
    /// for what the upstream made.
    /// </summary>
    public async Task<Reservation> CaptureAsync(Reservation hold, long credits, string? channel, Dialect dialect, string model)
    {
        Reservation settled;
        using (NanogateActivity.Start("ledger.capture"))
        {
            settled = await ledger.SettleAsync(hold.Id, credits, channel, CancellationToken.None).ConfigureAwait(false);
        }

        RecordCharged(dialect, model, settled.Captured);
        return settled;
    }

    /// <summary>Releases a hold whole (nothing was made, or the caller left before the upstream answered).</summary>
    public Task ReleaseAsync(Reservation hold) => ledger.SettleAsync(hold.Id, 0, CancellationToken.None);

    /// <summary>Counts credits captured elsewhere (a task image's charge, committed with its row).</summary>
    public void RecordCharged(Dialect dialect, string model, long credits) =>
        metrics.CreditsCharged(Label(dialect), model, credits);

    private static string Label(Dialect dialect) => dialect switch
    {
        Dialect.Gemini => "gemini",
        Dialect.OpenAi => "openai",
        _ => "tasks",
    };
}
