using System.Collections.Concurrent;
using Nanogate.Storage.Changes;

namespace Nanogate.Tasks;

/// <summary>
/// In-process hints: "there is new work" for the worker pool, and "task X ended" for requests holding
/// on Prefer: wait. Both are only hints; the database stays the truth and polling the fallback. With
/// several processes on one database the storage provider's <see cref="IChangeFeed"/> carries the same
/// hints from other processes (work submitted there, a task ended by a worker there).
/// </summary>
internal sealed class TaskSignals : IDisposable
{
    private readonly SemaphoreSlim _work = new(0, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private readonly IDisposable[] _subscriptions;

    public TaskSignals(IChangeFeed changes) =>
        _subscriptions =
        [
            changes.Subscribe(ChangeTopics.TasksDue, _ => WorkAvailable()),
            changes.Subscribe(ChangeTopics.TaskEnded, id =>
            {
                if (id is not null)
                {
                    TaskEnded(id);
                }
            }),
        ];

    /// <summary>Wakes the worker pool.</summary>
    public void WorkAvailable()
    {
        if (_work.CurrentCount == 0)
        {
            try
            {
                _work.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    /// <summary>Waits for new work or the timeout.</summary>
    public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => _work.WaitAsync(timeout, cancellationToken);

    /// <summary>Tells waiters that a task ended.</summary>
    public void TaskEnded(string taskId)
    {
        if (_waiters.TryRemove(taskId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>A task that completes when <paramref name="taskId"/> is reported ended (register before checking the state).</summary>
    public Task WhenEnded(string taskId) =>
        _waiters.GetOrAdd(taskId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Drops a waiter nobody needs any more.</summary>
    public void Forget(string taskId) => _waiters.TryRemove(taskId, out _);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        _work.Dispose();
    }
}
