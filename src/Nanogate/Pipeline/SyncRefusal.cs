namespace Nanogate.Pipeline;

/// <summary>
/// Why a synchronous generation request was refused before it started (<see cref="SyncGenerationGate"/>): the closed
/// set the dialects' error table (<see cref="DialectErrors.SyncBusy"/>) and the metrics map, each in one place.
/// </summary>
internal enum SyncRefusal
{
    /// <summary>The account already has <c>Limits:MaxSyncGenerationsPerAccount</c> synchronous requests on this process.</summary>
    AccountBusy,

    /// <summary>Every slot of <c>Limits:MaxSyncGenerations</c> is taken and the wait queue (<c>Limits:SyncQueueLength</c>) is full.</summary>
    ServerBusy,

    /// <summary>The request waited <c>Limits:SyncQueueSeconds</c> in the queue and no slot freed.</summary>
    QueueTimedOut,
}
