using Dapper;
using Microsoft.Data.Sqlite;
using Nanogate.Storage.Sqlite;

namespace Nanogate.Tests.Storage;

/// <summary>
/// The group-commit writer of <see cref="SqliteDatabase.WriteAsync{T}"/> on a real SQLite file. Batches are made
/// deterministic by holding the writer busy with a first write that waits on a gate while the others queue.
/// </summary>
public sealed class SqliteGroupCommitTests : IAsyncLifetime, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nanogate-tests", "group-commit-" + Guid.NewGuid().ToString("N"));
    private SqliteDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = new SqliteDatabase(_dir);
        await _db.MigrateAsync();
    }

    public void Dispose() => _db?.Dispose();

    public Task DisposeAsync()
    {
        _db.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private static Task<int> InsertAsync(SqliteConnection c, SqliteTransaction tx, string key) =>
        c.ExecuteAsync("INSERT INTO settings (key, value) VALUES (@key, 'v')", new { key }, tx);

    private Task<int> WriteKeyAsync(string key, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((c, tx) => InsertAsync(c, tx, key), cancellationToken);

    /// <summary>Reads on a connection of its own (sees committed rows only).</summary>
    private List<string> CommittedKeys()
    {
        using var connection = new SqliteConnection($"Data Source={_db.FilePath};Pooling=False");
        connection.Open();
        return [.. connection.Query<string>("SELECT key FROM settings ORDER BY key")];
    }

    /// <summary>Starts a write that holds the writer until <c>release</c> is called; the writes queued meanwhile form the next batch.</summary>
    private (Task<string> Write, Action Release) HoldWriter(string key = "holder", CancellationToken cancellationToken = default)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = false;
        var write = _db.WriteAsync(async (c, tx) =>
        {
            started = true;
            await gate.Task;
            await InsertAsync(c, tx, key);
            return key;
        }, cancellationToken);

        // With nothing queued before it, a write starts at once on the caller's thread.
        Assert.True(started);
        Assert.False(write.IsCompleted);
        return (write, gate.SetResult);
    }

    [Fact]
    public void With_no_write_in_progress_a_write_runs_and_commits_at_once()
    {
        var commits = _db.Commits;

        var write = WriteKeyAsync("solo");

        // Microsoft.Data.Sqlite completes synchronously, so no wait of any kind lies between the call and the commit.
        Assert.True(write.IsCompletedSuccessfully);
        Assert.Equal(commits + 1, _db.Commits);
        Assert.Equal(["solo"], CommittedKeys());
    }

    [Fact]
    public async Task Writes_queued_behind_a_running_one_commit_together_and_each_caller_gets_its_own_result()
    {
        var (holder, release) = HoldWriter();
        var commits = _db.Commits;
        var queued = Enumerable.Range(0, 20)
            .Select(i => _db.WriteAsync(async (c, tx) =>
            {
                await InsertAsync(c, tx, $"k{i:D2}");
                return i * 10;
            }))
            .ToList();
        Assert.All(queued, t => Assert.False(t.IsCompleted));

        release();

        Assert.Equal("holder", await holder);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 10), await Task.WhenAll(queued));
        Assert.Equal(commits + 2, _db.Commits); // the holder's transaction, then one for all 20
        Assert.Equal(21, CommittedKeys().Count);
    }

    [Fact]
    public async Task Request_writes_go_before_queued_background_writes_which_join_them_only_a_few_at_a_time()
    {
        var (holder, release) = HoldWriter();
        var order = new List<string>();
        Task<int> Write(string key, bool background)
        {
            Func<SqliteConnection, SqliteTransaction, Task<int>> work = (c, tx) =>
            {
                order.Add(key); // the writer runs one write at a time
                return InsertAsync(c, tx, key);
            };
            return background ? _db.WriteInBackgroundAsync(work) : _db.WriteAsync(work);
        }

        var background = Enumerable.Range(0, 10).Select(i => Write($"bg{i}", background: true)).ToList();
        var requests = Enumerable.Range(0, 3).Select(i => Write($"rq{i}", background: false)).ToList();
        var commits = _db.Commits;

        release();
        await holder;
        await Task.WhenAll(requests.Concat(background));

        // The requests, queued last, ran first, together with at most MaxBackgroundWithRequests background
        // writes; the other background writes followed in their own order, in one more transaction.
        Assert.Equal(["rq0", "rq1", "rq2"], order.Take(3));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"bg{i}"), order.Skip(3));
        Assert.Equal(commits + 3, _db.Commits); // the holder's, requests + 4 background, the other 6
        Assert.Equal(14, CommittedKeys().Count);
    }

    [Fact]
    public async Task Background_writes_alone_are_batched_up_to_their_own_cap()
    {
        var (holder, release) = HoldWriter();
        var commits = _db.Commits;
        var queued = Enumerable.Range(0, SqliteDatabase.MaxBackgroundBatch + 1)
            .Select(i => _db.WriteInBackgroundAsync((c, tx) => InsertAsync(c, tx, $"bg{i:D2}")))
            .ToList();

        release();
        await holder;
        await Task.WhenAll(queued);

        Assert.Equal(commits + 3, _db.Commits); // the holder's, MaxBackgroundBatch, the one left over
        Assert.Equal(SqliteDatabase.MaxBackgroundBatch + 2, CommittedKeys().Count);
    }

    [Fact]
    public async Task Batches_are_capped()
    {
        var (holder, release) = HoldWriter();
        var commits = _db.Commits;
        var queued = Enumerable.Range(0, SqliteDatabase.MaxBatch + 1).Select(i => WriteKeyAsync($"k{i:D3}")).ToList();

        release();
        await holder;
        await Task.WhenAll(queued);

        Assert.Equal(commits + 3, _db.Commits);
        Assert.Equal(SqliteDatabase.MaxBatch + 2, CommittedKeys().Count);
    }

    [Fact]
    public async Task Many_concurrent_writers_all_commit_with_their_own_results()
    {
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var results = new List<(string Key, long RowId)>();
            for (var i = 0; i < 50; i++)
            {
                var key = $"w{w}-{i:D2}";
                var rowId = await _db.WriteAsync(async (c, tx) =>
                {
                    await InsertAsync(c, tx, key);
                    return await c.ExecuteScalarAsync<long>("SELECT last_insert_rowid()", transaction: tx);
                });
                results.Add((key, rowId));
            }

            return results;
        })).ToList();

        var all = (await Task.WhenAll(writers)).SelectMany(r => r).ToList();

        Assert.Equal(400, CommittedKeys().Count);
        Assert.Equal(400, all.Select(r => r.RowId).Distinct().Count());
        using var connection = new SqliteConnection($"Data Source={_db.FilePath};Pooling=False");
        var stored = connection.Query<(string Key, long RowId)>("SELECT key, rowid FROM settings").ToDictionary(r => r.Key, r => r.RowId);
        Assert.All(all, r => Assert.Equal(stored[r.Key], r.RowId));
    }

    [Fact]
    public async Task A_failing_write_fails_only_its_caller_and_the_rest_of_its_batch_commits()
    {
        await WriteKeyAsync("taken");
        var opens = _db.WriterOpens;
        var (holder, release) = HoldWriter();
        var commits = _db.Commits;

        var a = WriteKeyAsync("a");
        var throws = _db.WriteAsync<int>(async (c, tx) =>
        {
            await InsertAsync(c, tx, "b");
            throw new InvalidOperationException("boom");
        });
        var violates = _db.WriteAsync(async (c, tx) =>
        {
            await InsertAsync(c, tx, "c");
            return await InsertAsync(c, tx, "taken");
        });
        var d = WriteKeyAsync("d");

        release();

        await holder;
        Assert.Equal(1, await a);
        Assert.Equal(1, await d);
        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => throws)).Message);
        Assert.Equal(19, (await Assert.ThrowsAsync<SqliteException>(() => violates)).SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(["a", "d", "holder", "taken"], CommittedKeys());
        Assert.Equal(commits + 2, _db.Commits);
        Assert.Equal(opens, _db.WriterOpens); // an item's constraint violation is not a broken connection
    }

    [Fact]
    public async Task A_write_failing_alone_commits_nothing_and_keeps_the_connection()
    {
        await WriteKeyAsync("taken");
        var opens = _db.WriterOpens;
        var commits = _db.Commits;

        var violates = _db.WriteAsync(async (c, tx) =>
        {
            await InsertAsync(c, tx, "partial");
            return await InsertAsync(c, tx, "taken");
        });

        Assert.Equal(19, (await Assert.ThrowsAsync<SqliteException>(() => violates)).SqliteErrorCode);
        Assert.Equal(["taken"], CommittedKeys());
        Assert.Equal(commits, _db.Commits);
        Assert.Equal(1, await WriteKeyAsync("next"));
        Assert.Equal(opens, _db.WriterOpens);
        Assert.Equal(["next", "taken"], CommittedKeys());
    }

    [Fact]
    public async Task A_work_that_catches_its_own_constraint_violation_keeps_its_other_changes()
    {
        await WriteKeyAsync("taken");
        var (holder, release) = HoldWriter();

        // As SqliteChannelStore.AddAsync does: a failed statement is undone alone; the transaction goes on.
        var write = _db.WriteAsync(async (c, tx) =>
        {
            await InsertAsync(c, tx, "kept");
            try
            {
                await InsertAsync(c, tx, "taken");
                return false;
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 19)
            {
                return true;
            }
        });
        release();

        await holder;
        Assert.True(await write);
        Assert.Contains("kept", CommittedKeys());
    }

    [Fact]
    public async Task A_caller_is_completed_only_after_its_batch_committed()
    {
        var (holder, release) = HoldWriter();
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = WriteKeyAsync("first");
        var blocking = _db.WriteAsync(async (c, tx) =>
        {
            secondStarted.SetResult();
            await second.Task;
            return await InsertAsync(c, tx, "second");
        });
        var seenByContinuation = first.ContinueWith(_ => CommittedKeys(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        release();
        await holder;
        await secondStarted.Task;

        // "first" ran, but its batch has not committed (the write after it is still running): not done, not visible.
        Assert.False(first.IsCompleted);
        Assert.DoesNotContain("first", CommittedKeys());

        second.SetResult();
        Assert.Contains("first", await seenByContinuation);
        Assert.Equal(1, await blocking);
    }

    [Fact]
    public async Task A_write_canceled_before_it_starts_never_runs_and_its_caller_is_told_at_once()
    {
        var (holder, release) = HoldWriter();
        using var cts = new CancellationTokenSource();
        var ran = false;
        var canceled = _db.WriteAsync(async (c, tx) =>
        {
            ran = true;
            return await InsertAsync(c, tx, "canceled");
        }, cts.Token);
        var other = WriteKeyAsync("other");

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled); // while the writer is still held
        release();
        await holder;
        await other;
        Assert.False(ran);
        Assert.Equal(["holder", "other"], CommittedKeys());
    }

    [Fact]
    public async Task A_write_with_an_already_canceled_token_never_runs()
    {
        var ran = false;
        var write = _db.WriteAsync<int>((c, tx) =>
        {
            ran = true;
            return Task.FromResult(0);
        }, new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
        Assert.False(ran);
    }

    [Fact]
    public async Task A_started_write_runs_to_completion_even_if_canceled()
    {
        using var cts = new CancellationTokenSource();
        var (holder, release) = HoldWriter("started", cts.Token);

        await cts.CancelAsync();
        release();

        Assert.Equal("started", await holder);
        Assert.Equal(["started"], CommittedKeys());
    }

    [Fact]
    public async Task A_failed_commit_fails_every_write_of_its_batch_and_the_writer_reopens()
    {
        var (holder, release) = HoldWriter();
        var a = WriteKeyAsync("a");

        // A deferred foreign-key violation passes the statement and its savepoint, and fails the COMMIT.
        var orphan = _db.WriteAsync((c, tx) => c.ExecuteAsync(
            """
            PRAGMA defer_foreign_keys = ON;
            INSERT INTO api_keys (id, account_id, key_hash, prefix, created_at) VALUES ('key_x', 'acct_missing', 'h', 'p', 0);
            """, transaction: tx));
        release();
        await holder;
        var opens = _db.WriterOpens;

        var aFailure = await Assert.ThrowsAsync<SqliteException>(() => a);
        Assert.Same(aFailure, await Assert.ThrowsAsync<SqliteException>(() => orphan));
        Assert.Equal(19, aFailure.SqliteErrorCode);
        Assert.Equal(["holder"], CommittedKeys());

        Assert.Equal(1, await WriteKeyAsync("after"));
        Assert.Equal(opens + 1, _db.WriterOpens);
        Assert.Equal(["after", "holder"], CommittedKeys());
    }

    [Fact]
    public async Task When_a_write_destroys_the_transaction_its_batch_fails_the_writer_reopens_and_later_writes_go_on()
    {
        var (holder, release) = HoldWriter();
        var before = WriteKeyAsync("before");
        var breaks = _db.WriteAsync(async (c, tx) =>
        {
            await InsertAsync(c, tx, "breaker");
            return await c.ExecuteAsync("ROLLBACK", transaction: tx);
        });
        var after = WriteKeyAsync("after");
        var opens = _db.WriterOpens;

        release();
        await holder;

        await Assert.ThrowsAnyAsync<Exception>(() => breaks);
        await Assert.ThrowsAnyAsync<Exception>(() => before); // its changes went with the transaction
        Assert.Equal(1, await after); // not yet run when the transaction broke: runs in a fresh one
        Assert.Equal(opens + 1, _db.WriterOpens);
        Assert.Equal(["after", "holder"], CommittedKeys());
        Assert.Equal(1, await WriteKeyAsync("later"));
    }

    [Fact]
    public async Task When_a_write_closes_the_connection_the_writer_recovers()
    {
        var broken = _db.WriteAsync<int>((c, tx) =>
        {
            c.Close();
            return Task.FromResult(0);
        });
        await Assert.ThrowsAnyAsync<Exception>(() => broken);

        var opens = _db.WriterOpens;
        Assert.Equal(1, await WriteKeyAsync("after"));
        Assert.Equal(opens + 1, _db.WriterOpens);
        Assert.Equal(["after"], CommittedKeys());
    }
}
