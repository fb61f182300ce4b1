using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Logging;
using Nanogate.Storage.Changes;
using Npgsql;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// The change feed of processes sharing a PostgreSQL database: <c>NOTIFY nanogate, 'topic:detail'</c> to publish,
/// and one dedicated connection per process doing <c>LISTEN nanogate</c> to hear every process (this one included).
/// </summary>
/// <remarks>
/// The listener starts when the feed is first resolved (and <see cref="PostgresChangeFeedStarter"/> resolves it when
/// the host starts). After a dropped connection it reconnects with a growing pause; notifications sent meanwhile are
/// lost, so after a reconnect every topic with subscribers is told "anything may have changed" (a null detail).
/// LISTEN needs a session of its own: behind PgBouncer in transaction mode, give Nanogate a direct connection
/// string (the listener holds one connection per process).
/// </remarks>
public sealed partial class PostgresChangeFeed : IChangeFeed, IAsyncDisposable, IDisposable
{
    private const int MaxDetailLength = 200;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan HealthCheck = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ListenWait = TimeSpan.FromSeconds(5);

    private readonly PostgresDatabase _db;
    private readonly ILogger<PostgresChangeFeed> _logger;
    private readonly InProcessChangeFeed _subscribers = new();
    private readonly ConcurrentDictionary<string, int> _topics = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private int _disposed;

    /// <summary>Starts listening in the background.</summary>
    public PostgresChangeFeed(PostgresDatabase db, ILogger<PostgresChangeFeed> logger)
    {
        _db = db;
        _logger = logger;
        using (ExecutionContext.SuppressFlow())
        {
            _loop = Task.Run(ListenAsync);
        }
    }

    /// <summary>Completes once the first LISTEN is in place (for tests and for publishers that must hear themselves).</summary>
    public Task Listening => _listening.Task;

    /// <inheritdoc />
    public async ValueTask PublishAsync(string topic, string? detail, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (topic.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A topic cannot contain ':'.", nameof(topic));
        }

        if (detail is { Length: > MaxDetailLength })
        {
            throw new ArgumentException($"A detail is at most {MaxDetailLength} characters.", nameof(detail));
        }

        // This process hears its own notifications through its listener: give a just-started one a moment to be in
        // place, so that a publish right after start is not lost here (it is a hint elsewhere anyway).
        if (!_listening.Task.IsCompleted)
        {
            try
            {
                await _listening.Task.WaitAsync(ListenWait, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Publish anyway: other processes may be listening.
            }
        }

        var payload = detail is null ? topic : topic + ":" + detail;
        await _db.RunAsync(
            c => c.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@channel, @payload)", new { channel = PostgresDatabase.NotifyChannel, payload }, cancellationToken: cancellationToken)),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string topic, Action<string?> handler)
    {
        _topics.TryAdd(topic, 0);
        return _subscribers.Subscribe(topic, handler);
    }

    /// <summary>Stops listening and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task ListenAsync()
    {
        var stop = _stop.Token;
        var pause = FirstRetry;
        var connectedBefore = false;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _db.SessionDataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand("LISTEN " + PostgresDatabase.NotifyChannel, connection))
                {
                    await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                }

                _listening.TrySetResult();
                pause = FirstRetry;
                if (connectedBefore)
                {
                    LogReconnected(_logger);
                    foreach (var topic in _topics.Keys)
                    {
                        Dispatch(topic, null);
                    }
                }

                connectedBefore = true;
                while (true)
                {
                    // WaitAsync only returns on a notification or the timeout; a dead peer is found by the ping.
                    if (!await connection.WaitAsync(HealthCheck, stop).ConfigureAwait(false))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(stop).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
            {
                LogListenFailed(_logger, pause.TotalMilliseconds, e);
                try
                {
                    await Task.Delay(pause, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LastRetry.Ticks));
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (!string.Equals(e.Channel, PostgresDatabase.NotifyChannel, StringComparison.Ordinal))
        {
            return;
        }

        var colon = e.Payload.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            Dispatch(e.Payload, null);
        }
        else
        {
            Dispatch(e.Payload[..colon], e.Payload[(colon + 1)..]);
        }
    }

    private void Dispatch(string topic, string? detail)
    {
        try
        {
            _subscribers.Dispatch(topic, detail);
        }
        catch (Exception e)
        {
            // Handlers must not throw; one that does must not take the listener down with it.
            LogHandlerFailed(_logger, topic, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change feed listener lost its connection; retrying in {PauseMs} ms")]
    private static partial void LogListenFailed(ILogger logger, double pauseMs, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change feed listener reconnected; subscribers told that anything may have changed")]
    private static partial void LogReconnected(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "A change feed handler of topic {Topic} threw")]
    private static partial void LogHandlerFailed(ILogger logger, string topic, Exception exception);
}
