namespace Nanogate.Storage.Tasks;

/// <summary>A row of <c>tasks</c> (times are unix milliseconds).</summary>
public sealed class TaskRow
{
    /// <summary>task_….</summary>
    public string Id { get; set; } = "";

    /// <summary>The owner.</summary>
    public string AccountId { get; set; } = "";

    /// <summary>Catalog model id.</summary>
    public string Model { get; set; } = "";

    /// <summary>The normalised request as JSON (the task feature owns its shape).</summary>
    public string Request { get; set; } = "";

    /// <summary>req_… of the submission.</summary>
    public string RequestId { get; set; } = "";

    /// <summary>scheme://host the task was submitted to (links in webhooks point there).</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>pending, running, succeeded, partially_succeeded, failed, canceled.</summary>
    public string Status { get; set; } = "";

    /// <summary>Images asked for.</summary>
    public long N { get; set; }

    /// <summary>Credits per successful image.</summary>
    public long Price { get; set; }

    /// <summary>The ledger reservation holding n × price.</summary>
    public string ReservationId { get; set; } = "";

    /// <summary>Credits held at submit.</summary>
    public long CreditsReserved { get; set; }

    /// <summary>Credits captured for succeeded images.</summary>
    public long CreditsCharged { get; set; }

    /// <summary>Credits given back when the task ended.</summary>
    public long CreditsRefunded { get; set; }

    /// <summary>callback_url, or null.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>{webhook}/callback, or null.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The task's error code once it failed or was canceled.</summary>
    public string? ErrorCode { get; set; }

    /// <summary>The task's error message.</summary>
    public string? ErrorMessage { get; set; }

    /// <summary>Submitted.</summary>
    public long CreatedAt { get; set; }

    /// <summary>First image claimed.</summary>
    public long? StartedAt { get; set; }

    /// <summary>Cancel requested.</summary>
    public long? CanceledAt { get; set; }

    /// <summary>Ended.</summary>
    public long? CompletedAt { get; set; }

    /// <summary>Whether the status is final.</summary>
    public bool IsTerminal => TaskStatuses.IsTerminal(Status);
}
