using System.Globalization;
using Nanogate.Auth;
using Nanogate.Operations;
using Nanogate.Pipeline;
using Nanogate.Storage.Ledger;
using Nanogate.Storage.Tasks;

namespace Nanogate.Billing;

/// <summary>
/// The one place a request's credits are held, captured and released, for every dialect, and the one place the
/// charged credits are counted in the metrics (<c>nanogate_credits_charged_total{dialect,model}</c>). The synchronous
/// dialects hold before the upstream call and capture what was made; the task store holds and captures inside its
/// own transactions (a task's hold is its row), and its worker reports each captured image here.
/// </summary>
/// <remarks>
/// Every hold goes through here with its <see cref="Caller"/>, so the key's controls are applied here and nowhere
/// else: its <c>images_per_minute</c> (per process, <see cref="KeyRateLimits"/>) before the hold, and its spending caps
/// inside the hold's own transaction (the ledger sums the key's spend there and refuses with
/// <see cref="SpendCapExceededException"/>). Both refusals are exceptions answered by the dialect's exception handler.
/// </remarks>
internal sealed class CreditHolds(ILedger ledger, ITaskStore tasks, KeyRateLimits limits, NanogateMetrics metrics)
{
    /// <summary>
    /// Holds <paramref name="credits"/> for <paramref name="images"/> images asked for by <paramref name="caller"/>, or null
    /// when the account has not that much available. Throws <see cref="KeyRateLimitedException"/> over the key's images
    /// per minute, <see cref="SpendCapExceededException"/> past its spending cap.
    /// </summary>
    public Task<Reservation?> TryHoldAsync(Caller caller, long credits, int images, string purpose, string model, CancellationToken cancellationToken)
    {
        ThrottleImages(caller, images);
        return HoldAsync(caller, credits, purpose, model, cancellationToken);
    }

    private async Task<Reservation?> HoldAsync(Caller caller, long credits, string purpose, string model, CancellationToken cancellationToken)
    {
        using var span = NanogateActivity.Start("ledger.hold");
        var hold = await ledger.TryReserveAsync(caller.AccountId, credits, purpose, model, new KeyHold(caller.KeyId, caller.Controls.Capped), cancellationToken).ConfigureAwait(false);
        if (hold is null)
        {
            NanogateActivity.Fail(span, "insufficient_credits");
        }

        return hold;
    }

    /// <summary>
    /// Writes a task with its hold (<see cref="ITaskStore.CreateAsync"/>) for <paramref name="caller"/>, under the same
    /// key controls as <see cref="TryHoldAsync"/>; null when the account has not the credits.
    /// </summary>
    public Task<TaskRow?> CreateTaskAsync(Caller caller, NewTask task, long now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ThrottleImages(caller, task.N);
        return tasks.CreateAsync(task with { Key = new KeyHold(caller.KeyId, caller.Controls.Capped) }, now, cancellationToken);
    }

    /// <summary>What the account has available now (for a refusal that says how much).</summary>
    public async Task<long> AvailableAsync(string accountId, CancellationToken cancellationToken) =>
        (await ledger.GetBalanceAsync(accountId, cancellationToken).ConfigureAwait(false)).Available;

    /// <summary>
    /// Ends a hold: captures <paramref name="credits"/> (clamped to the hold), releases the rest, records the
    /// <paramref name="channel"/> that served it and what it delivered (<paramref name="usage"/>), and counts the capture.
    /// Never cancelled: a caller who left is billed for what the upstream made.
    /// </summary>
    public async Task<Reservation> CaptureAsync(Reservation hold, long credits, string? channel, Dialect dialect, string model, SettleUsage usage)
    {
        Reservation settled;
        using (NanogateActivity.Start("ledger.capture"))
        {
            settled = await ledger.SettleAsync(hold.Id, credits, channel, usage, CancellationToken.None).ConfigureAwait(false);
        }

        RecordCharged(dialect, model, settled.Captured);
        return settled;
    }

    /// <summary>
    /// Releases a hold whole: nothing was delivered, so nothing is charged (the caller left before the upstream answered,
    /// the result could not be delivered, or the upstream failed, then <paramref name="channel"/> names the channel that
    /// failed). Never a refund: a synchronous request pays only for what it delivered, so nothing was paid that could
    /// come back (refunds are an accepted task's failed images, see <see cref="SettleUsage"/>).
    /// </summary>
    public Task ReleaseAsync(Reservation hold, string? channel = null) =>
        ledger.SettleAsync(hold.Id, 0, channel, SettleUsage.None, CancellationToken.None);

    /// <summary>Counts credits captured elsewhere (a task image's charge, committed with its row).</summary>
    public void RecordCharged(Dialect dialect, string model, long credits) =>
        metrics.CreditsCharged(dialect.MetricLabel(), model, credits);

    private void ThrottleImages(Caller caller, int images)
    {
        if (caller.Controls.ImagesPerMinute is { } limit && limits.TryAcquire(caller.KeyId, "images", limit, images) is { } wait)
        {
            throw new KeyRateLimitedException(
                wait == TimeSpan.MaxValue
                    ? string.Create(CultureInfo.InvariantCulture, $"This request asks for {images} images, more than this API key's limit of {limit} images per minute. Ask for at most {limit}.")
                    : string.Create(CultureInfo.InvariantCulture, $"This API key is limited to {limit} images per minute. Retry after {KeyRateLimits.RetryAfter(wait)} s (Retry-After)."),
                wait == TimeSpan.MaxValue ? TimeSpan.FromSeconds(60) : wait);
        }
    }
}
