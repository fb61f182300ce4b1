namespace Nanogate.Storage.Admin;

/// <summary>The end of a credit deduction and the account's available credits after it (before it, when refused).</summary>
public sealed record DeductionResult(DeductionOutcome Outcome, long Available);
