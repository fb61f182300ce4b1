namespace Nanogate.Media;

/// <summary>
/// The media half of <c>/readyz</c>: a process that cannot write images (a read-only or full folder, a
/// missing bucket, an unreachable store) would fail every task it claims, so it must not take traffic.
/// </summary>
internal sealed partial class MediaReadiness(IMediaStore store, ILogger<MediaReadiness> logger)
{
    // A probe that hangs is as bad as one that fails; orchestrators time out their probes in a few seconds.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Null when the store took a probe write and delete; otherwise the reason to report (never a path, key or secret).</summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await store.CheckWritableAsync(timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogTimedOut(logger, Timeout.TotalSeconds);
            return "media store not writable (no answer within 5 s)";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotWritable(logger, e);
            return "media store not writable";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The media store took no probe write within {Seconds} s: not ready")]
    private static partial void LogTimedOut(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The media store is not writable: not ready")]
    private static partial void LogNotWritable(ILogger logger, Exception exception);
}
