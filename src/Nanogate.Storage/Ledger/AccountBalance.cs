namespace Nanogate.Storage.Ledger;

/// <summary>An account's credits, all derived from its ledger.</summary>
/// <param name="Available">Spendable now: top-ups − reserves + releases − deductions.</param>
/// <param name="Reserved">Held by open reservations.</param>
/// <param name="Charged">Captured, all time.</param>
/// <param name="ToppedUp">Added, all time.</param>
public sealed record AccountBalance(long Available, long Reserved, long Charged, long ToppedUp)
{
    /// <summary>Taken by the operator (<c>POST /admin/v1/accounts/{id}/deductions</c>), all time: top-ups = available + reserved + charged + deducted.</summary>
    public long Deducted { get; init; }
}
