namespace Nanogate.Cli;

/// <summary>What the tool reads from and writes to: the process's, or a test's.</summary>
internal sealed class CliEnvironment
{
    public required Func<string, string?> Variable { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Whether a person watches a terminal (live progress) rather than a script reading the output.</summary>
    public bool Interactive { get; init; }

    public string? HomeDirectory { get; init; }

    public static CliEnvironment FromProcess() => new()
    {
        Variable = Environment.GetEnvironmentVariable,
        Out = Console.Out,
        Error = Console.Error,
        Interactive = !Console.IsOutputRedirected && !Console.IsErrorRedirected,
        HomeDirectory = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
    };
}
