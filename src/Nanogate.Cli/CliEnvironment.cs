namespace Nanogate.Cli;

/// <summary>What the tool reads from and writes to: the process's, or a test's.</summary>
internal sealed class CliEnvironment
{
    public required Func<string, string?> Variable { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Whether stderr is a terminal a person watches (live progress there) rather than a log or a pipe.</summary>
    public bool Interactive { get; init; }

    /// <summary>Whether stdout is a terminal (colours and box drawing in tables) rather than a file or a pipe.</summary>
    public bool OutIsTerminal { get; init; }

    public string? HomeDirectory { get; init; }

    public static CliEnvironment FromProcess() => new()
    {
        Variable = Environment.GetEnvironmentVariable,
        Out = Console.Out,
        Error = Console.Error,
        Interactive = !Console.IsErrorRedirected,
        OutIsTerminal = !Console.IsOutputRedirected,
        HomeDirectory = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
    };
}
