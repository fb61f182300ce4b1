using Nanogate.Storage.Reports;

namespace Nanogate.Storage.Admin;

/// <summary>The row Dapper fills from the task search of either provider (counts as the database returns them).</summary>
internal sealed class AdminTaskRecord
{
    public string Id { get; set; } = "";

    public string AccountId { get; set; } = "";

    public string AccountName { get; set; } = "";

    public string Model { get; set; } = "";

    public string Status { get; set; } = "";

    public long N { get; set; }

    public long CreditsReserved { get; set; }

    public long CreditsCharged { get; set; }

    public long CreditsRefunded { get; set; }

    public string? ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    public long CreatedAt { get; set; }

    public long? CompletedAt { get; set; }

    public string? Prompt { get; set; }

    public string? AspectRatio { get; set; }

    public string? Resolution { get; set; }

    public long ImagesSucceeded { get; set; }

    public long ImagesFailed { get; set; }

    public AdminTaskRow ToRow() => new(
        Id, AccountId, AccountName, Model, Status, (int)N, CreditsReserved, CreditsCharged, CreditsRefunded,
        ErrorCode, ErrorMessage, CreatedAt, CompletedAt, Prompt, AspectRatio, Resolution, (int)ImagesSucceeded, (int)ImagesFailed);
}
