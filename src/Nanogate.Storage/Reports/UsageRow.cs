namespace Nanogate.Storage.Reports;

/// <summary>Usage of one account and model over a window.</summary>
/// <param name="AccountId">The account.</param>
/// <param name="AccountName">Its name.</param>
/// <param name="Model">The model (<c>unknown</c> for reservations without one).</param>
/// <param name="Requests">Reservations made (every billed request makes one).</param>
/// <param name="CreditsCharged">Credits captured.</param>
/// <param name="CreditsRefunded">Credits refunded: released for work attempted that failed (not every released hold).</param>
/// <param name="TaskImagesSucceeded">Task images made.</param>
/// <param name="TaskImagesFailed">Task images failed for good.</param>
public sealed record UsageRow(
    string AccountId,
    string AccountName,
    string Model,
    long Requests,
    long CreditsCharged,
    long CreditsRefunded,
    long TaskImagesSucceeded,
    long TaskImagesFailed);
