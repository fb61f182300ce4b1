namespace Nanogate.Admin.Manage;

/// <summary>The answer to a credit deduction.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="Deducted">Credits taken.</param>
/// <param name="Reason">The reason recorded on the ledger entry.</param>
/// <param name="Credits">The account's credits after it.</param>
internal sealed record AdminDeductionResponse(string AccountId, long Deducted, string Reason, AdminCredits Credits);
