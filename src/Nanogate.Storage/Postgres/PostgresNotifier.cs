using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// Sends the task store's wake-ups (<c>NOTIFY nanogate, 'topic[:detail]'</c>) after the writes they announce have
/// committed, coalesced: while one notifying transaction is on its way, what is posted meanwhile waits and then goes
/// in the next one (duplicates once). One notifying commit per WAL flush and process at most, instead of one per
/// task written.
/// </summary>
/// <remarks>
/// Why not <c>pg_notify</c> inside the writing transaction: PostgreSQL takes a database-wide lock when a transaction
/// that notified commits and holds it until the commit record is flushed, so notifying commits never share a WAL
/// flush, and every row lock they hold (a submit's account row) waits for that flush behind all the others. Measured
/// on the benchmark's 2-core VM (≈ 2 ms fdatasync): 2.5 WAL flushes per image, submits of one account capped near one
/// per flush (docs/scaling.md). Here the writes group-commit and the wake-ups cost one flush per batch.
/// <para>
/// A wake-up is a hint (<see cref="Changes.IChangeFeed"/>): this process signals its own workers directly, the others
/// poll as a fallback, so one that cannot be sent (database unreachable) is logged and dropped.
/// </para>
/// </remarks>
public sealed partial class PostgresNotifier(PostgresDatabase db, ILogger<PostgresNotifier> logger) : IAsyncDisposable
{
    private const string Sql = "SELECT pg_notify(@channel, p) FROM unnest(@payloads) AS p";

    private readonly Lock _gate = new();
    private HashSet<string> _pending = new(StringComparer.Ordinal);
    private Task _sending = Task.CompletedTask;
    private bool _running;
    private bool _disposed;

    /// <summary>Queues <paramref name="payload"/> (<c>topic</c> or <c>topic:detail</c>) to be sent soon; never waits.</summary>
    public void Post(string payload)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _pending.Add(payload);
            if (_running)
            {
                return;
            }

            _running = true;
            using (ExecutionContext.SuppressFlow())
            {
                _sending = Task.Run(SendAsync);
            }
        }
    }

    /// <summary>Sends what is still queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        Task sending;
        lock (_gate)
        {
            _disposed = true;
            sending = _sending;
        }

        await sending.ConfigureAwait(false);
    }

    private async Task SendAsync()
    {
        while (true)
        {
            string[] payloads;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }

                payloads = [.. _pending];
                _pending = new HashSet<string>(StringComparer.Ordinal);
            }

            try
            {
                await db.RunAsync(c => c.ExecuteAsync(Sql, new { channel = PostgresDatabase.NotifyChannel, payloads })).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or ObjectDisposedException)
            {
                LogSendFailed(logger, payloads.Length, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send {Count} change notifications; other processes will find the work by polling")]
    private static partial void LogSendFailed(ILogger logger, int count, Exception exception);
}
