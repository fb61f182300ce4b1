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
}
