namespace Nanogate.Storage.Reports;

/// <summary>A task as the operator's task list shows it (times are unix milliseconds).</summary>
/// <param name="Id">task_….</param>
/// <param name="AccountId">The owner.</param>
/// <param name="AccountName">The owner's name.</param>
/// <param name="Model">Catalog model id.</param>
/// <param name="Status">pending, running, succeeded, partially_succeeded, failed or canceled.</param>
/// <param name="N">Images asked for.</param>
/// <param name="CreditsReserved">Credits held at submit.</param>
/// <param name="CreditsCharged">Credits captured.</param>
/// <param name="CreditsRefunded">Credits given back.</param>
/// <param name="ErrorCode">The task's error code, or null.</param>
/// <param name="ErrorMessage">The task's error message, or null.</param>
/// <param name="CreatedAt">Submitted.</param>
/// <param name="CompletedAt">Ended, or null.</param>
/// <param name="Prompt">The whole prompt of the request, or null.</param>
/// <param name="AspectRatio">The request's aspect ratio, or null.</param>
/// <param name="Resolution">The request's resolution, or null.</param>
/// <param name="ImagesSucceeded">Images made.</param>
/// <param name="ImagesFailed">Images failed for good.</param>
public sealed record AdminTaskRow(
    string Id,
    string AccountId,
    string AccountName,
    string Model,
    string Status,
    int N,
    long CreditsReserved,
    long CreditsCharged,
    long CreditsRefunded,
    string? ErrorCode,
    string? ErrorMessage,
    long CreatedAt,
    long? CompletedAt,
    string? Prompt,
    string? AspectRatio,
    string? Resolution,
    int ImagesSucceeded,
    int ImagesFailed);
