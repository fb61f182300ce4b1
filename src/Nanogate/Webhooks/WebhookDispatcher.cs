using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Nanogate.Security;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Webhooks;

namespace Nanogate.Webhooks;

/// <summary>
/// Delivers the webhook outbox (<c>webhook_deliveries</c>) per Standard Webhooks. Woken by
/// <see cref="WebhookSignal"/> after a row commits, and polls every second as the fallback. A claim
/// leases a row by pushing its <c>next_attempt_at</c> past the attempt's timeout, so a crash mid-send
/// means a later retry (at least once), never a lost delivery; the row's attempt count fences the
/// result write, so a stale attempt cannot overwrite a newer one.
/// </summary>
internal sealed partial class WebhookDispatcher(
    IWebhookOutbox outbox,
    IAccountStore accounts,
    SafeHttp http,
    WebhookSignal signal,
    TimeProvider time,
    IOptions<WebhookOptions> options,
    Operations.NanogateMetrics metrics,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    /// <summary>The User-Agent of deliveries.</summary>
    public const string UserAgent = "Nanogate-Webhooks/1";

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MinWait = TimeSpan.FromMilliseconds(10);
    private readonly WebhookOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var wait = PollInterval;
                try
                {
                    wait = await ClaimAndStartAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogLoopFailed(logger, e);
                }

                await signal.WaitAsync(wait, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: attempts in flight are cancelled; their leases expire and they run again later.
        }

        try
        {
            await Task.WhenAll(_inFlight.Values).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Claims due rows up to the free concurrency and starts them; returns how long to wait before looking again.</summary>
    private async Task<TimeSpan> ClaimAndStartAsync(CancellationToken stoppingToken)
    {
        var free = _options.MaxConcurrency - _inFlight.Count;
        if (free <= 0)
        {
            return PollInterval;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();

        // A read first: the idle poll must not take the write lock that task commits queue on.
        var firstDue = await outbox.NextDueAsync(stoppingToken).ConfigureAwait(false);
        if (firstDue is null || firstDue > now)
        {
            return WaitUntil(firstDue);
        }

        var lease = now + ((_options.AttemptTimeoutSeconds + 30) * 1000L);
        var (expired, claimed, nextDue) = await outbox.ClaimAsync(now, lease, free, stoppingToken).ConfigureAwait(false);
        if (expired > 0)
        {
            LogExpired(logger, expired);
        }

        foreach (var row in claimed)
        {
            // Registered before it may run, so its own removal can never precede its registration.
            var registered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlight[row.Id] = RunAsync(row, registered.Task, stoppingToken);
            registered.SetResult();
        }

        if (claimed.Count == free)
        {
            // Possibly more due: look again as soon as a slot frees (each finished attempt signals).
            return PollInterval;
        }

        return WaitUntil(nextDue);
    }

    /// <summary>How long to sleep: until the next row is due, at least briefly and at most one poll interval.</summary>
    private TimeSpan WaitUntil(long? due)
    {
        if (due is null)
        {
            return PollInterval;
        }

        var untilDue = TimeSpan.FromMilliseconds(due.Value - time.GetUtcNow().ToUnixTimeMilliseconds());
        return untilDue < MinWait ? MinWait : untilDue < PollInterval ? untilDue : PollInterval;
    }

    private async Task RunAsync(WebhookDelivery row, Task registered, CancellationToken stoppingToken)
    {
        await registered.ConfigureAwait(false);

        // The delivery continues the trace of the task's submission; its HttpClient span sends traceparent on.
        using var span = Operations.NanogateActivity.StartFrom("webhook.deliver", row.TraceParent, System.Diagnostics.ActivityKind.Producer);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("nanogate.delivery_id", row.Id);
            span.SetTag("nanogate.attempt", row.Attempts + 1);
        }

        try
        {
            var outcome = await AttemptAsync(row, stoppingToken).ConfigureAwait(false);
            metrics.WebhookAttempt(outcome.Status);
            if (span is { IsAllDataRequested: true })
            {
                span.SetTag("nanogate.outcome", outcome.Status);
                span.SetTag("http.response.status_code", outcome.HttpStatus);
            }

            if (outcome.Status != WebhookAttemptOutcome.Delivered)
            {
                Operations.NanogateActivity.Fail(span, outcome.Status);
            }

            await RecordAsync(row, outcome).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogAttemptCrashed(logger, row.Id, e);
        }
        finally
        {
            _inFlight.TryRemove(row.Id, out _);
            signal.Notify();
        }
    }

    private async Task<WebhookAttemptOutcome> AttemptAsync(WebhookDelivery row, CancellationToken stoppingToken)
    {
        if (!Uri.TryCreate(row.Url, UriKind.Absolute, out var target))
        {
            return new(WebhookAttemptOutcome.Failed, null, "The webhook URL is not a valid absolute URL.");
        }

        var account = await accounts.GetAccountAsync(row.AccountId, stoppingToken).ConfigureAwait(false);
        if (account is null)
        {
            return new(WebhookAttemptOutcome.Failed, null, "The account of this delivery no longer exists.");
        }

        var body = Encoding.UTF8.GetBytes(row.Payload);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, target);
        request.Headers.TryAddWithoutValidation("webhook-id", row.Id);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", StandardWebhookSigner.Sign(account.WebhookSecret, row.Id, timestamp, body));
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        attempt.CancelAfter(TimeSpan.FromSeconds(_options.AttemptTimeoutSeconds));
        try
        {
            using var response = await http.SendAsync(request, attempt.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => new(WebhookAttemptOutcome.Delivered, status, null),
                410 => new(WebhookAttemptOutcome.Gone, status, "The receiver answered 410 Gone; no more attempts."),
                >= 300 and < 400 => new(WebhookAttemptOutcome.Pending, status, $"The receiver answered HTTP {status}; redirects are not followed."),
                _ => new(WebhookAttemptOutcome.Pending, status, $"The receiver answered HTTP {status}.", RetryAfter(response)),
            };
        }
        catch (SsrfBlockedException e)
        {
            // Refused by the egress rules: retrying cannot help, and the target is never contacted.
            return new(WebhookAttemptOutcome.Failed, null, "Refused target: " + e.Message);
        }
        catch (FetchFailedException e)
        {
            return new(WebhookAttemptOutcome.Pending, null, e.Message);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return new(WebhookAttemptOutcome.Pending, null, $"The receiver did not answer within {_options.AttemptTimeoutSeconds} seconds.");
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter.Date is { } date ? date - time.GetUtcNow() : null;
    }

    private async Task RecordAsync(WebhookDelivery row, WebhookAttemptOutcome outcome)
    {
        var now = time.GetUtcNow();
        var attempts = row.Attempts + 1;
        var status = outcome.Status;
        var error = outcome.Error;
        var next = now.ToUnixTimeMilliseconds();
        if (status == WebhookAttemptOutcome.Pending)
        {
#pragma warning disable CA5394 // retry jitter, not a secret
            var delay = WebhookRetrySchedule.Delay((int)Math.Min(attempts, int.MaxValue), _options.RetryBaseSeconds, Random.Shared.NextDouble());
#pragma warning restore CA5394
            if (outcome.RetryAfter is { } retryAfter && retryAfter > delay)
            {
                // Later, never earlier; capped at the longest step so a wild header cannot end the delivery.
                var longest = WebhookRetrySchedule.BaseDelay(int.MaxValue, _options.RetryBaseSeconds);
                delay = retryAfter < longest ? retryAfter : longest;
            }

            next = (now + delay).ToUnixTimeMilliseconds();
            if (next >= row.ExpiresAt)
            {
                status = WebhookAttemptOutcome.Failed;
                error = $"Gave up after {attempts} attempt(s): the next one would fall after the delivery expires. Last error: {error}";
            }
        }

        var deliveredAt = status == WebhookAttemptOutcome.Delivered ? now.ToUnixTimeMilliseconds() : (long?)null;
        var recorded = await outbox.RecordAsync(
            new WebhookAttemptResult(row.Id, row.Attempts, status, attempts, next, outcome.HttpStatus, error, deliveredAt),
            CancellationToken.None).ConfigureAwait(false);

        if (!recorded)
        {
            LogStale(logger, row.Id);
        }
        else if (status == WebhookAttemptOutcome.Delivered)
        {
            LogDelivered(logger, row.Id, attempts, outcome.HttpStatus ?? 0);
        }
        else
        {
            LogNotDelivered(logger, row.Id, attempts, outcome.HttpStatus ?? 0, status);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook dispatcher loop failed; retrying on the next poll")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Webhook delivery {DeliveryId} attempt crashed; it runs again when its lease expires")]
    private static partial void LogAttemptCrashed(ILogger logger, string deliveryId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} webhook deliveries expired undelivered")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId}: result not recorded, a newer attempt owns the row")]
    private static partial void LogStale(ILogger logger, string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivery {DeliveryId} delivered on attempt {Attempt} (HTTP {HttpStatus})")]
    private static partial void LogDelivered(ILogger logger, string deliveryId, long attempt, int httpStatus);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery {DeliveryId} attempt {Attempt} not delivered (HTTP {HttpStatus}); now {Status}")]
    private static partial void LogNotDelivered(ILogger logger, string deliveryId, long attempt, int httpStatus, string status);
}
