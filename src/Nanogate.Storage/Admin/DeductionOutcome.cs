namespace Nanogate.Storage.Admin;

/// <summary>How a credit deduction ended.</summary>
public enum DeductionOutcome
{
    /// <summary>The credits were taken and a ledger entry written.</summary>
    Deducted,

    /// <summary>The account has fewer credits available than asked; nothing was written.</summary>
    InsufficientCredits,

    /// <summary>No such account.</summary>
    AccountNotFound,
}
