namespace Nanogate.Storage;

/// <summary>The database as a whole: brings its schema up to date at start and answers readiness probes.</summary>
public interface IStorage
{
    /// <summary>Where the data lives, for the log (a file path, or a server without its password).</summary>
    string Location { get; }

    /// <summary>Applies every migration not yet applied, in order.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Runs a trivial query; throws when the database cannot be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Commits a one-row write (the <c>write_probe</c> table); throws when the database cannot take writes (a full disk,
    /// a read-only file or server, a lost connection). For <c>/readyz</c>.
    /// </summary>
    Task CheckWritableAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Waits for, then holds, the lock named <paramref name="name"/> shared by every process using this database,
    /// until the returned handle is disposed (or the process dies): for one-time work that processes starting
    /// together must not all do, such as creating the bootstrap accounts.
    /// </summary>
    Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken);
}
