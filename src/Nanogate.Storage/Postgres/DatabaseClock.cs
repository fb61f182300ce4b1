using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// The time of every Nanogate process sharing a PostgreSQL database: this machine's clock plus an offset measured
/// against the server's <c>clock_timestamp()</c>.
/// </summary>
/// <remarks>
/// Stores compare and store the unix-ms times their callers pass (tests pass fixed ones), so leases and expiries
/// written by one process are judged by the clock of another. Machines drift apart by seconds; with one reference
/// (the database server) they agree to about half a round trip. The offset is measured at start
/// (<see cref="SyncAsync"/>, from <see cref="PostgresStorage.MigrateAsync"/>) and then once a minute in the
/// background, taking the sample with the shortest round trip and assuming the server read its clock halfway
/// through it. <see cref="GetUtcNow"/> is the system clock plus a field read: no query per call. Timers and
/// timestamps stay the system's (they measure intervals, which need no common reference).
/// </remarks>
public sealed partial class DatabaseClock : TimeProvider, IDisposable
{
    private const int Samples = 3;
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private readonly PostgresDatabase _db;
    private readonly ILogger<DatabaseClock> _logger;
    private readonly ITimer _timer;
    private long _offsetTicks;

    /// <summary>Starts measuring at once and then every minute.</summary>
    public DatabaseClock(PostgresDatabase db, ILogger<DatabaseClock> logger)
    {
        _db = db;
        _logger = logger;
        _timer = TimeProvider.System.CreateTimer(static s => _ = ((DatabaseClock)s!).SyncQuietlyAsync(), this, TimeSpan.Zero, Period);
    }

    /// <summary>The server's clock minus this machine's, as last measured.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Volatile.Read(ref _offsetTicks));

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow().AddTicks(Volatile.Read(ref _offsetTicks));

    /// <summary>Measures the offset now (a few round trips on one connection).</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _db.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint", connection);
        var bestRoundTrip = long.MaxValue;
        var bestOffset = 0L;
        for (var i = 0; i < Samples; i++)
        {
            var before = TimeProvider.System.GetUtcNow();
            var started = Stopwatch.GetTimestamp();
            var serverMicros = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            var roundTrip = Stopwatch.GetElapsedTime(started);
            if (roundTrip.Ticks < bestRoundTrip)
            {
                bestRoundTrip = roundTrip.Ticks;
                var server = DateTimeOffset.UnixEpoch.AddTicks(serverMicros * 10);
                bestOffset = (server - (before + roundTrip / 2)).Ticks;
            }
        }

        Volatile.Write(ref _offsetTicks, bestOffset);
        LogSynced(_logger, bestOffset / TimeSpan.TicksPerMillisecond, bestRoundTrip / TimeSpan.TicksPerMillisecond);
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    private async Task SyncQuietlyAsync()
    {
        try
        {
            await SyncAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            // Keep the last offset: it drifts by milliseconds a minute at most. The next tick tries again.
            LogSyncFailed(_logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Database clock offset {OffsetMs} ms (round trip {RoundTripMs} ms)")]
    private static partial void LogSynced(ILogger logger, long offsetMs, long roundTripMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not measure the database clock; keeping the last offset")]
    private static partial void LogSyncFailed(ILogger logger, Exception exception);
}
