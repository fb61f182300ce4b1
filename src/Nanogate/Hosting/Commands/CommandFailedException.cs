namespace Nanogate.Hosting.Commands;

/// <summary>An operator command cannot do what was asked; the message is the one line the operator reads.</summary>
internal sealed class CommandFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CommandFailedException()
    {
    }

    /// <summary>Creates the exception with the line to print and the exit code.</summary>
    public CommandFailedException(string message, int exitCode = ExitCodes.Failed)
        : base(message) => ExitCode = exitCode;

    /// <summary>Creates the exception with a cause.</summary>
    public CommandFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = ExitCodes.Failed;
}
