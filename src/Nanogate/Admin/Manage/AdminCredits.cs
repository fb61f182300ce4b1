namespace Nanogate.Admin.Manage;

/// <summary>An account's credits as the admin API shows them.</summary>
/// <param name="Available">Free to spend.</param>
/// <param name="Reserved">Held by work in flight.</param>
/// <param name="Charged">Captured for work done, ever.</param>
/// <param name="ToppedUp">Added, ever.</param>
/// <param name="Deducted">Taken by the operator, ever.</param>
internal sealed record AdminCredits(long Available, long Reserved, long Charged, long ToppedUp, long Deducted);
