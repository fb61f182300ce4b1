namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>
/// A test that runs the real program as processes: a data folder of its own under the temp folder (and, when the suite
/// runs on PostgreSQL, a database of its own), both removed afterwards.
/// </summary>
public abstract class ProcessDataTest(string prefix) : IAsyncLifetime
{
    /// <summary>The data folder (Storage:DataDirectory, logs).</summary>
    protected string Data { get; } = Path.Combine(Path.GetTempPath(), "nanogate-tests", prefix + "-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>The storage settings of the processes (the data folder, and the PostgreSQL database when the suite runs on it).</summary>
    protected IReadOnlyList<string> Storage { get; private set; } = [];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Data);
        Storage = await TestStorage.SettingsAsync(Data);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await TestStorage.DropAsync(Data);
        Directory.Delete(Data, recursive: true);
    }
}
