using Microsoft.Extensions.Options;
using Nanogate.Core.Catalog;
using Nanogate.Core.Requests;
using Nanogate.Generation;
using Nanogate.Media;
using Nanogate.Storage.Tasks;
using Nanogate.Webhooks;

namespace Nanogate.Tasks;

/// <summary>
/// Runs the task queue: one loop claims due images (leases on the database) as workers free up, and
/// each image is generated with its lease heartbeated, stored, and recorded with a write fenced by its
/// attempt. Work survives a crash: an unfinished image's lease runs out and it is claimed again.
/// </summary>
internal sealed partial class TaskWorkerPool(
    ITaskStore store,
    ImageGenerator generator,
    Billing.CreditHolds credits,
    IMediaStore media,
    ModelCatalog catalog,
    TaskSignals signals,
    WebhookSignal webhooks,
    IOptions<TasksOptions> options,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    Operations.NanogateMetrics metrics,
    ILogger<TaskWorkerPool> logger) : BackgroundService
{
    private readonly TasksOptions _options = options.Value;

    // Set when the host asks the pool to stop (before the grace period ends and work is canceled).
    private CancellationToken _stopping;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;

        // No claims before the server listens: hosted services start before it, and an image claimed then would call
        // an upstream that is not there yet (the built-in simulator is served by this process), failing its attempt.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        using var slots = new SemaphoreSlim(_options.Workers, _options.Workers);
        // Images in progress are not stopped with the claiming loop: they get Tasks:ShutdownGraceSeconds to finish
        // (an upstream call already paid for in time), and only then are they canceled and handed back.
        using var abort = new CancellationTokenSource();
        var running = new HashSet<Task>();
        var poll = TimeSpan.FromMilliseconds(_options.PollIntervalMs);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                var free = 1;
                while (free < 64 && slots.Wait(0, CancellationToken.None))
                {
                    free++;
                }

                IReadOnlyList<ImageClaim> claims;
                try
                {
                    var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                    claims = await store.ClaimAsync(free, now, now + _options.LeaseSeconds * 1000L, _options.MaxAttempts, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogClaimFailed(logger, e);
                    claims = [];
                }

                if (claims.Count < free)
                {
                    slots.Release(free - claims.Count);
                }

                foreach (var claim in claims)
                {
                    var work = Task.Run(() => RunAsync(claim, abort.Token), CancellationToken.None);
                    lock (running)
                    {
                        running.Add(work);
                    }

                    _ = work.ContinueWith(
                        t =>
                        {
                            lock (running)
                            {
                                running.Remove(t);
                            }

                            slots.Release();
                        },
                        CancellationToken.None,
                        TaskContinuationOptions.ExecuteSynchronously,
                        TaskScheduler.Default);
                }

                if (claims.Count == 0)
                {
                    await signals.WaitForWorkAsync(poll, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stop claiming; let images in progress finish and record their results within the grace period, then
        // cancel the rest, which hand their images back to the queue (their leases cover a crash meanwhile).
        Task[] pending;
        lock (running)
        {
            pending = [.. running];
        }

        var grace = TimeSpan.FromSeconds(_options.ShutdownGraceSeconds);
        LogDraining(logger, pending.Length, grace.TotalSeconds);
        abort.CancelAfter(grace);
        await Task.WhenAll(pending).WaitAsync(grace + TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Generates, stores and records one claimed image.</summary>
    internal async Task RunAsync(ImageClaim claim, CancellationToken stoppingToken)
    {
        var stored = StoredTaskRequest.FromJson(claim.RequestJson);

        // The image's work continues the submission's trace (its traceparent was stored with the task).
        using var span = Operations.NanogateActivity.StartFrom("task.run", stored.TraceParent);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag("nanogate.task_id", claim.TaskId);
            span.SetTag("nanogate.image_index", claim.Index);
            span.SetTag("nanogate.attempt", claim.Attempt);
            span.SetTag("nanogate.model", claim.Model);
        }

        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var heartbeat = new CancellationTokenSource();
        var heartbeating = HeartbeatAsync(claim, lost, heartbeat.Token);
        try
        {
            var request = await RebuildAsync(claim, stored, lost.Token).ConfigureAwait(false);
            ImageOutcome outcome;
            try
            {
                outcome = await generator.GenerateAsync(request, claim.RequestId, lost.Token, claim.Index).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogGenerateCrashed(logger, claim.TaskId, claim.Index, e);
                outcome = ImageOutcome.Failed(new ImageFailure(ImageFailureKind.UpstreamError, "The image could not be made because of an internal error.", Retryable: true));
            }

            // A failure while stopping is most likely the stop's doing (a call cut off surfaces as a refused or reset
            // connection as often as a cancellation; the built-in simulator stops with this process): hand the image
            // back, attempt not counted, instead of recording the failure.
            if (outcome.Image is null && (stoppingToken.IsCancellationRequested || _stopping.IsCancellationRequested))
            {
                throw new OperationCanceledException(stoppingToken);
            }

            ImageWrite write;
            StoredMedia? saved = null;
            if (outcome.Image is { } made)
            {
                using var storing = Operations.NanogateActivity.Start("media.write");
                try
                {
                    // Not canceled by the stop: the image is made (and paid for upstream); keeping it beats making it again.
                    saved = await media.WriteFileAsync(claim.AccountId, made.Data, made.MimeType, made.Width, made.Height, CancellationToken.None).ConfigureAwait(false);
                }
                catch (MediaStoreException e)
                {
                    Operations.NanogateActivity.Fail(storing, e.Failure.ToString());
                    // Made but not storable (a full or read-only store): the image fails with the store's code, never
                    // charged, and is retried or refunded by the same rules as an upstream failure.
                    LogStoreFailed(logger, claim.TaskId, claim.Index, e.Failure, e);
                    outcome = ImageOutcome.Failed(e.ToImageFailure());
                }
            }

            if (outcome.Image is { } image && saved is not null)
            {
                // The file first, then its row together with the image's success and charge: one write
                // transaction per image. A stale attempt (fenced out) leaves no row, so its file goes.
                var usage = image.Usage;
                var row = saved.ToRow();
                var success = new ImageSuccess(saved.Id, saved.MimeType, image.Width, image.Height, string.IsNullOrWhiteSpace(image.Text) ? null : image.Text,
                    usage?.PromptTokens ?? 0, (usage?.CandidatesTokens ?? 0) + (usage?.ThoughtsTokens ?? 0), usage?.ImageOutputTokens ?? 0, row, image.Channel);
                try
                {
                    write = await store.SucceedAsync(claim.TaskId, claim.Index, claim.Attempt, success, Now(), CancellationToken.None).ConfigureAwait(false);
                }
                catch
                {
                    await media.DeleteFileAsync(saved, CancellationToken.None).ConfigureAwait(false);
                    throw;
                }

                if (!write.Applied)
                {
                    await media.DeleteFileAsync(saved, CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    // The store captured the image's price with its row; the metrics count it like every dialect's.
                    credits.RecordCharged(Pipeline.Dialect.Nanogate, request.Model.Id, request.PricePerImage);
                    metrics.TaskImage(request.Model.Id, "succeeded");
                }
            }
            else
            {
                var failure = outcome.Failure!;
                if (failure.Retryable && claim.Attempt < _options.MaxAttempts)
                {
                    var delay = Backoff(claim.Attempt, failure.RetryAfter);
                    LogRetrying(logger, claim.TaskId, claim.Index, claim.Attempt, failure.Kind, delay.TotalMilliseconds);
                    var now = Now();
                    write = await store.RetryAsync(claim.TaskId, claim.Index, claim.Attempt, now + (long)delay.TotalMilliseconds, failure.Kind.Code(), failure.Message, now, CancellationToken.None).ConfigureAwait(false);
                    metrics.TaskImage(request.Model.Id, "retrying");
                }
                else
                {
                    write = await store.FailAsync(claim.TaskId, claim.Index, claim.Attempt, failure.Kind.Code(), failure.Message, Now(), CancellationToken.None).ConfigureAwait(false);
                    metrics.TaskImage(request.Model.Id, "failed");
                }
            }

            if (outcome.Image is null)
            {
                Operations.NanogateActivity.Fail(span, outcome.Failure!.Kind.Code());
            }

            if (!write.Applied)
            {
                LogStale(logger, claim.TaskId, claim.Index, claim.Attempt);
            }

            AfterWrite(claim.TaskId, write);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // Stopping and out of grace: hand the image back now rather than after its lease (another process may
            // take it), without counting this attempt: a deploy is not the image's fault.
            try
            {
                var write = await store.HandBackAsync(claim.TaskId, claim.Index, claim.Attempt, Now(), CancellationToken.None).ConfigureAwait(false);
                LogHandedBack(logger, claim.TaskId, claim.Index);
                AfterWrite(claim.TaskId, write);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWorkFailed(logger, claim.TaskId, claim.Index, e);
            }
        }
        catch (OperationCanceledException)
        {
            // Lease lost: another attempt owns the image; this one's writes would be fenced off anyway.
        }
        catch (Exception e)
        {
            LogWorkFailed(logger, claim.TaskId, claim.Index, e);
        }
        finally
        {
            await heartbeat.CancelAsync().ConfigureAwait(false);
            await heartbeating.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void AfterWrite(string taskId, ImageWrite write)
    {
        if (write.TaskEnded)
        {
            webhooks.Notify();
            signals.TaskEnded(taskId);
        }
    }

    private async Task HeartbeatAsync(ImageClaim claim, CancellationTokenSource lost, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.HeartbeatSeconds), time);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                var leaseUntil = Now() + _options.LeaseSeconds * 1000L;
                if (!await store.HeartbeatAsync(claim.TaskId, claim.Index, claim.Attempt, leaseUntil, stop).ConfigureAwait(false))
                {
                    LogLeaseLost(logger, claim.TaskId, claim.Index, claim.Attempt);
                    await lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogHeartbeatFailed(logger, claim.TaskId, claim.Index, e);
            }
        }
    }

    private async Task<ImageRequest> RebuildAsync(ImageClaim claim, StoredTaskRequest stored, CancellationToken cancellationToken)
    {
        var model = catalog.Find(claim.Model) ?? throw new InvalidOperationException($"Task {claim.TaskId} names a model not in the catalog.");
        var references = new List<ReferenceImage>();
        foreach (var id in stored.ReferenceMediaIds)
        {
            var item = await media.FindAsync(id, cancellationToken).ConfigureAwait(false);
            var stream = item is null ? null : await media.OpenReadAsync(item, cancellationToken).ConfigureAwait(false);
            if (stream is null)
            {
                throw new InvalidOperationException($"Reference image {id} of task {claim.TaskId} is gone.");
            }

            await using (stream.ConfigureAwait(false))
            {
                // Uninitialized: ReadExactlyAsync fills it or throws.
                var data = GC.AllocateUninitializedArray<byte>((int)item!.Bytes);
                await stream.ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
                references.Add(new ReferenceImage(data, item.MimeType, item.Width, item.Height));
            }
        }

        var size = ImageSizes.TryParseWire(stored.Resolution, out var wire) ? wire : model.DefaultSize;
        return new ImageRequest
        {
            Model = model,
            Prompt = stored.Prompt,
            AspectRatio = stored.Ratio,
            Size = size,
            ThinkingLevel = stored.ThinkingLevel,
            Search = stored.Search,
            ReferenceImages = references,
            N = stored.N,
            Warnings = stored.Warnings,
        };
    }

    private TimeSpan Backoff(long attempt, TimeSpan? retryAfter)
    {
        var exponential = TimeSpan.FromMilliseconds(_options.RetryBaseDelayMs * Math.Pow(2, Math.Max(0, attempt - 1)));
#pragma warning disable CA5394 // retry jitter, not a secret
        var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, Math.Max(1, _options.RetryBaseDelayMs / 4)));
#pragma warning restore CA5394
        var delay = exponential + jitter;
        return retryAfter is { } after && after > delay ? after : delay;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Claiming task images failed; retrying")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Generating image {Index} of {TaskId} threw")]
    private static partial void LogGenerateCrashed(ILogger logger, string taskId, int index, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: {Count} image(s) in progress get up to {Seconds} s to finish")]
    private static partial void LogDraining(ILogger logger, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping: image {Index} of {TaskId} was handed back to the queue (its attempt not counted)")]
    private static partial void LogHandedBack(ILogger logger, string taskId, int index);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Index} of {TaskId} attempt {Attempt} failed with {Code}; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string taskId, int index, long attempt, ImageFailureKind code, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Image {Index} of {TaskId}: the media store refused it ({Failure})")]
    private static partial void LogStoreFailed(ILogger logger, string taskId, int index, MediaStoreFailure failure, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Image {Index} of {TaskId}: attempt {Attempt} is stale (re-claimed elsewhere); its result was dropped")]
    private static partial void LogStale(ILogger logger, string taskId, int index, long attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Image {Index} of {TaskId}: lease of attempt {Attempt} lost; stopping")]
    private static partial void LogLeaseLost(ILogger logger, string taskId, int index, long attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat for image {Index} of {TaskId} failed")]
    private static partial void LogHeartbeatFailed(ILogger logger, string taskId, int index, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Work on image {Index} of {TaskId} failed; the lease will expire and it will be retried")]
    private static partial void LogWorkFailed(ILogger logger, string taskId, int index, Exception exception);
}
