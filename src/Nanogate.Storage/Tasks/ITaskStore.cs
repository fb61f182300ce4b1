namespace Nanogate.Storage.Tasks;

/// <summary>
/// Durable image tasks: a task, its n images (one row each: the work queue), its credit reservation and
/// its idempotency key. Every time is unix milliseconds from the caller's <see cref="TimeProvider"/>; an
/// implementation compares and stores the values it is given and never reads a clock of its own.
/// </summary>
/// <remarks>
/// <para>An implementation must keep these guarantees, under concurrent callers and across processes
/// sharing the database:</para>
/// <list type="bullet">
/// <item><description><b>Claims take leases.</b> <see cref="ClaimAsync"/> hands an image to exactly one
/// caller, raises its attempt number by one and leases it until a given time. A running image is claimed
/// again only once its lease has run out (its worker is presumed dead).</description></item>
/// <item><description><b>Attempt fencing.</b> Every later write about a claimed image names the attempt
/// it was claimed with, and applies only while the image is still running under that very attempt. A
/// write for a stale attempt (re-claimed elsewhere, or already ended) returns not-applied
/// (<see cref="ImageWrite.Applied"/> false, or false) and changes nothing: no image state, no charge, no
/// media row, no task state.</description></item>
/// <item><description><b>A success pays for itself atomically.</b> An image's success, the capture of
/// its price from the task's reservation and the insert of its media row (when given) commit in one
/// transaction, or none of them does.</description></item>
/// <item><description><b>A task ends once, atomically.</b> The write that leaves no image queued or
/// running also, in the same transaction: sets the task's terminal status and error, releases what the
/// reservation still holds (recording it as refunded), and inserts one webhook outbox row per distinct
/// <see cref="TaskRow.CallbackUrl"/>/<see cref="TaskRow.WebhookUrl"/>, with the payload rendered by
/// <see cref="ITaskEventRenderer"/> from the ended task inside that transaction. Only that write reports
/// <see cref="ImageWrite.TaskEnded"/>; a task already terminal is never ended again.</description></item>
/// <item><description><b>Terminal status.</b> <see cref="TaskStatuses.Succeeded"/> when every image
/// succeeded; <see cref="TaskStatuses.PartiallySucceeded"/> when some did;
/// <see cref="TaskStatuses.Canceled"/> (error <c>canceled</c>) when none did, a cancel was requested and
/// at least one image was canceled; otherwise <see cref="TaskStatuses.Failed"/> with the error of the
/// lowest-index failed image.</description></item>
/// <item><description><b>Credits never go negative.</b> A task is created only together with a
/// reservation of n × price; charges are captured from it (never beyond what it holds).</description></item>
/// </list>
/// </remarks>
public interface ITaskStore
{
    /// <summary>
    /// In one transaction: reserves n × price credits, inserts the task (status <c>pending</c>) and its n images
    /// (<c>queued</c>, due at <paramref name="now"/>), and, when <see cref="NewTask.Idempotency"/> is set, stores
    /// its answer on that key (which must have been started by <see cref="BeginIdempotentAsync"/>): the key is then
    /// done, or stays in flight holding that answer when <see cref="IdempotentResponse.Held"/>. A key whose answer
    /// is stored always replays it, so it never makes a second task, even if the process dies.
    /// </summary>
    /// <returns>The new task, or null when the account lacks the credits (then nothing is written).</returns>
    Task<TaskRow?> CreateAsync(NewTask task, long now, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction, claims up to <paramref name="max"/> due images, earliest due first: queued images whose
    /// next attempt time has come, and running images whose lease ended before <paramref name="now"/>. Each claimed
    /// image becomes running with its attempt number raised by one and a lease until <paramref name="leaseUntil"/>;
    /// its task becomes running if it was pending. A running image whose lease ran out after
    /// <paramref name="maxAttempts"/> attempts is failed instead (error <c>timeout</c>), which may end its task
    /// (see the interface's remarks); so fewer than <paramref name="max"/> claims may return while more are due.
    /// No image is handed to two callers.
    /// </summary>
    Task<IReadOnlyList<ImageClaim>> ClaimAsync(int max, long now, long leaseUntil, int maxAttempts, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the lease of a claimed image to <paramref name="leaseUntil"/> (fenced by <paramref name="attempt"/>);
    /// false, changing nothing, when the claim is stale: the worker should stop.
    /// </summary>
    Task<bool> HeartbeatAsync(string taskId, int index, long attempt, long leaseUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Records a made image (fenced by <paramref name="attempt"/>): in one transaction the image succeeds, the task's
    /// price per image is captured from its reservation and added to its charged credits, the media row in
    /// <see cref="ImageSuccess.Media"/> (if any) is inserted, and the task ends if this was its last open image.
    /// A stale attempt leaves no trace, no media row included: the caller then deletes the file.
    /// </summary>
    Task<ImageWrite> SucceedAsync(string taskId, int index, long attempt, ImageSuccess image, long now, CancellationToken cancellationToken);

    /// <summary>
    /// After a retryable failure (fenced by <paramref name="attempt"/>): puts the image back in the queue, due at
    /// <paramref name="nextAttemptAt"/>, keeping <paramref name="code"/>/<paramref name="message"/> as its last error.
    /// If a cancel was requested meanwhile the image is canceled instead, which may end the task. The attempt number
    /// is not reset: the next claim raises it.
    /// </summary>
    Task<ImageWrite> RetryAsync(string taskId, int index, long attempt, long nextAttemptAt, string code, string message, long now, CancellationToken cancellationToken);

    /// <summary>Fails an image for good with <paramref name="code"/>/<paramref name="message"/> (fenced by <paramref name="attempt"/>); ends the task if it was its last open image.</summary>
    Task<ImageWrite> FailAsync(string taskId, int index, long attempt, string code, string message, long now, CancellationToken cancellationToken);

    /// <summary>
    /// At a graceful shutdown (fenced by <paramref name="attempt"/>): puts a running image back in the queue, due now,
    /// as if this attempt had never been claimed: the attempt number goes back down, so an image interrupted by a
    /// deploy does not use up one of its <c>Tasks:MaxAttempts</c>. The caller must have stopped working on it. If a
    /// cancel was requested meanwhile the image is canceled instead, which may end the task.
    /// </summary>
    Task<ImageWrite> HandBackAsync(string taskId, int index, long attempt, long now, CancellationToken cancellationToken);

    /// <summary>
    /// Requests the cancel of a task of <paramref name="accountId"/>, in one transaction: the first request's time is
    /// kept, queued images are canceled, running ones are left to finish (they may still succeed and be charged), and
    /// the task ends if no image is open any more. Canceling a terminal task changes nothing.
    /// </summary>
    /// <returns>
    /// The task as it is after the change, and whether this call ended it; (null, false) when the account has no such task.
    /// </returns>
    Task<(TaskSnapshot? Task, bool Ended)> CancelAsync(string accountId, string taskId, long now, CancellationToken cancellationToken);

    /// <summary>
    /// A task with its images (with each image's media expiry), read consistently, or null when there is none or,
    /// if <paramref name="accountId"/> is given, it belongs to another account.
    /// </summary>
    Task<TaskSnapshot?> GetAsync(string taskId, string? accountId, CancellationToken cancellationToken);

    /// <summary>
    /// The account's tasks with their images, newest first by insertion order (not by time: two tasks can share a
    /// millisecond), optionally only those in <paramref name="status"/>, strictly after the task
    /// <paramref name="after"/> (a cursor: the last id of the previous page; an id the account does not own gives
    /// an empty page). Returns at most <paramref name="limit"/> + 1 tasks, the extra one telling the caller that
    /// there is a next page.
    /// </summary>
    Task<IReadOnlyList<TaskSnapshot>> ListAsync(string accountId, string? status, int limit, string? after, CancellationToken cancellationToken);

    /// <summary>
    /// How many images the unfinished tasks hold (the <c>n</c> of every pending or running task), of
    /// <paramref name="accountId"/> and in all: what the queue bounds compare against. Exact (it counts what is
    /// committed) and read on every submit, so it must not cost O(queue): the providers keep it in a counter table
    /// that triggers on the tasks table update with every insert, status change and delete of a task.
    /// </summary>
    Task<QueueDepth> QueueDepthAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Whether the account owns a task with this id (to validate a listing's <c>after</c> cursor).</summary>
    Task<bool> ExistsAsync(string accountId, string taskId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the idempotency key <paramref name="key"/> of <paramref name="accountId"/> for a request whose hash is
    /// <paramref name="requestHash"/>, in one transaction, so that of two concurrent requests with one key only one
    /// is <see cref="IdempotencyState.Started"/>. First forgotten: a key created before <paramref name="expiredBefore"/>,
    /// and an in-flight key with no stored answer created before <paramref name="abandonedBefore"/> (its request died).
    /// Then: no key → it is stored in flight, <see cref="IdempotencyState.Started"/>; a different hash →
    /// <see cref="IdempotencyState.Mismatch"/> (whatever its state); in flight and created at or after
    /// <paramref name="abandonedBefore"/> → <see cref="IdempotencyState.InFlight"/>; otherwise (done, or a held key whose
    /// request died) → <see cref="IdempotencyState.Replay"/> with the stored answer.
    /// </summary>
    Task<IdempotencyOutcome> BeginIdempotentAsync(string accountId, string key, string requestHash, long now, long expiredBefore, long abandonedBefore, CancellationToken cancellationToken);

    /// <summary>Stores the final answer of a key (replacing the one stored at create, for a held key) and marks it done.</summary>
    Task CompleteIdempotentAsync(string accountId, string key, int status, string body, string? location, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets a key that is still in flight, for a request that ended without creating a task, so that the client may
    /// retry with it; a done key is kept. Call it only when the request made nothing: a held key is in flight too.
    /// </summary>
    Task AbandonIdempotentAsync(string accountId, string key, CancellationToken cancellationToken);

    /// <summary>Deletes the idempotency keys created before <paramref name="before"/>, whatever their state; returns how many.</summary>
    Task<int> PruneIdempotencyAsync(long before, CancellationToken cancellationToken);
}
