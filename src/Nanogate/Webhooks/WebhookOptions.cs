using System.ComponentModel.DataAnnotations;

namespace Nanogate.Webhooks;

/// <summary>The <c>Webhooks</c> configuration section.</summary>
internal sealed class WebhookOptions
{
    /// <summary>
    /// The first retry delay in seconds (<c>Webhooks:RetryBaseSeconds</c>); the whole schedule scales
    /// from it (5 → 5 s, 5 min, 30 min, 2 h, 5 h, 10 h). Tests set it small.
    /// </summary>
    [Range(0.001, 3600, ErrorMessage = "Webhooks:RetryBaseSeconds must be between 0.001 and 3600.")]
    public double RetryBaseSeconds { get; set; } = 5;

    /// <summary>Time one delivery attempt may take, headers included (<c>Webhooks:AttemptTimeoutSeconds</c>).</summary>
    [Range(1, 120, ErrorMessage = "Webhooks:AttemptTimeoutSeconds must be between 1 and 120.")]
    public int AttemptTimeoutSeconds { get; set; } = 15;

    /// <summary>Deliveries in flight at once (<c>Webhooks:MaxConcurrency</c>).</summary>
    [Range(1, 256, ErrorMessage = "Webhooks:MaxConcurrency must be between 1 and 256.")]
    public int MaxConcurrency { get; set; } = 8;
}
