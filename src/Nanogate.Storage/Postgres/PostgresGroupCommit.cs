using Npgsql;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// Group commit for one kind of single-statement write: the writes that arrive while a batch is on its way share the
/// next one, sent as one <see cref="NpgsqlBatch"/> (one round trip) that PostgreSQL runs as one implicit transaction:
/// one commit, one WAL flush, for all of them. A batch of one runs on its own, exactly as without this class.
/// </summary>
/// <remarks>
/// Why: a task's submit debits its account's row, and PostgreSQL holds that row lock until the commit is flushed,
/// so the submits of one account ran one per WAL flush (≈ 2 ms on the benchmark's disk, ~500/s at best, whatever
/// the concurrency). Here one flush carries a whole batch.
/// <para>
/// Semantics per write are those of running it alone: each statement is atomic, later statements of a batch see the
/// earlier ones (one transaction, READ COMMITTED), and no caller hears of its write before the batch committed. The
/// statements are sent in the order of <c>order</c> (the account id): the batches of several processes, and the two
/// a process may have in flight, then lock rows in the same order and cannot deadlock each other. If any statement of
/// a batch fails, the server rolls the whole batch back and each write is run again on its own, so one bad write
/// fails only its own caller.
/// </para>
/// </remarks>
internal sealed class PostgresGroupCommit<TItem, TResult>(
    PostgresDatabase db,
    int maxBatch,
    Func<TItem, string> order,
    Func<TItem, NpgsqlBatchCommand> command,
    Func<NpgsqlDataReader, Task<TResult>> read,
    Func<TItem, Task<TResult>> alone)
{
    /// <summary>
    /// Batches on their way at once: the second is sent while the first waits for its flush, queues on the same row
    /// locks in the server and runs the moment the first commits, instead of a round trip later.
    /// </summary>
    private const int MaxInFlight = 2;

    private readonly Lock _gate = new();
    private readonly Queue<Pending> _queue = new();
    private int _flushers;

    /// <summary>Runs <paramref name="item"/>'s statement in the next batch; returns once that batch committed.</summary>
    public Task<TResult> RunAsync(TItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            _queue.Enqueue(pending);
            if (_flushers < MaxInFlight)
            {
                _flushers++;
                using (ExecutionContext.SuppressFlow())
                {
                    _ = Task.Run(FlushAsync, CancellationToken.None);
                }
            }
        }

        // Not cancellable once queued: the write may already be on its way, and the caller must learn its outcome.
        return pending.Done.Task;
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            List<Pending> batch;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    _flushers--;
                    return;
                }

                batch = new List<Pending>(Math.Min(_queue.Count, maxBatch));
                while (batch.Count < maxBatch && _queue.TryDequeue(out var next))
                {
                    batch.Add(next);
                }
            }

            if (batch.Count == 1)
            {
                await RunAloneAsync(batch[0]).ConfigureAwait(false);
                continue;
            }

            batch.Sort((a, b) => string.CompareOrdinal(order(a.Item), order(b.Item)));
            TResult[] results;
            try
            {
                results = await RunBatchAsync(batch).ConfigureAwait(false);
            }
            catch (PostgresException)
            {
                // The server rolled the whole batch back: nothing of it happened. Each on its own, at once.
                await Task.WhenAll(batch.Select(RunAloneAsync)).ConfigureAwait(false);
                continue;
            }
            catch (Exception e)
            {
                // The connection failed: the batch may or may not have committed, as a lone statement's might not.
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }

                continue;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(results[i]);
            }
        }
    }

    private async Task<TResult[]> RunBatchAsync(List<Pending> batch)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using var statements = new NpgsqlBatch(connection);
        foreach (var pending in batch)
        {
            statements.BatchCommands.Add(command(pending.Item));
        }

        var results = new TResult[batch.Count];

        // Every result is read, and the reader closed (the server's answer to the batch's Sync: the commit), before
        // any caller is told: a failure of a later statement rolls the earlier ones back.
        await using (var reader = await statements.ExecuteReaderAsync().ConfigureAwait(false))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (i > 0 && !await reader.NextResultAsync().ConfigureAwait(false))
                {
                    throw new InvalidOperationException($"The batch returned {i} results for {batch.Count} statements.");
                }

                results[i] = await read(reader).ConfigureAwait(false);
            }

            while (await reader.NextResultAsync().ConfigureAwait(false))
            {
                // Drain to the end: errors of the commit surface here.
            }
        }

        return results;
    }

    private async Task RunAloneAsync(Pending pending)
    {
        try
        {
            pending.Done.TrySetResult(await alone(pending.Item).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            pending.Done.TrySetException(e);
        }
    }

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);
}
