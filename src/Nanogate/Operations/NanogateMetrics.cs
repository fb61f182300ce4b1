using System.Diagnostics.Metrics;

namespace Nanogate.Operations;

/// <summary>
/// Nanogate's own instruments on the <c>Nanogate</c> meter (System.Diagnostics.Metrics), exported by OpenTelemetry: at
/// <c>/metrics</c> as Prometheus text and over OTLP when configured. Created through the host's
/// <see cref="IMeterFactory"/>, so each host (several run in one test process) counts only its own.
/// </summary>
internal sealed class NanogateMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Nanogate";

    private readonly Counter<long> _creditsCharged;
    private readonly Counter<long> _webhookAttempts;
    private readonly Counter<long> _taskImages;
    private readonly Counter<long> _syncRefused;

    /// <summary>Creates the instruments on the host's meter.</summary>
    public NanogateMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        _creditsCharged = Meter.CreateCounter<long>("nanogate.credits.charged", "{credit}", "Credits captured, by dialect and model.");
        _webhookAttempts = Meter.CreateCounter<long>("nanogate.webhook.attempts", "{attempt}", "Webhook delivery attempts, by outcome (delivered, pending, gone, failed).");
        _taskImages = Meter.CreateCounter<long>("nanogate.task.images", "{image}", "Task images ended by a worker attempt, by model and outcome (succeeded, retrying, failed).");
        _syncRefused = Meter.CreateCounter<long>("nanogate.sync.refused", "{request}", "Synchronous generation requests refused by the concurrency bound (429), by dialect and reason (account, server, queue_timeout).");
    }

    /// <summary>The host's <c>Nanogate</c> meter (for observable instruments registered elsewhere).</summary>
    public Meter Meter { get; }

    /// <summary>Counts captured credits (<c>nanogate_credits_charged_total{dialect,model}</c>).</summary>
    public void CreditsCharged(string dialect, string model, long credits) =>
        _creditsCharged.Add(credits, new KeyValuePair<string, object?>("dialect", dialect), new KeyValuePair<string, object?>("model", model));

    /// <summary>Counts one webhook attempt (<c>nanogate_webhook_attempts_total{outcome}</c>).</summary>
    public void WebhookAttempt(string outcome) => _webhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>Counts one task image attempt's end (<c>nanogate_task_images_total{model,outcome}</c>).</summary>
    public void TaskImage(string model, string outcome) =>
        _taskImages.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>
    /// Counts one synchronous generation request refused by the concurrency bound
    /// (<c>nanogate_sync_refused_total{dialect,reason}</c>; reason <c>account</c>, <c>server</c> or <c>queue_timeout</c>).
    /// </summary>
    public void SyncRefused(string dialect, Pipeline.SyncRefusal refusal) =>
        _syncRefused.Add(1, new KeyValuePair<string, object?>("dialect", dialect), new KeyValuePair<string, object?>("reason", refusal switch
        {
            Pipeline.SyncRefusal.AccountBusy => "account",
            Pipeline.SyncRefusal.ServerBusy => "server",
            Pipeline.SyncRefusal.QueueTimedOut => "queue_timeout",
            _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "A refusal without a metric label."),
        }));
}
