namespace Nanogate.Hosting.Commands;

/// <summary>The server program's exit codes (documented in docs/operations.md; scripts rely on them).</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The operation failed (the message says why); nothing half-done is left behind.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong (unknown command or option, a missing argument).</summary>
    public const int Usage = 2;

    /// <summary>A configuration value is invalid or missing.</summary>
    public const int Configuration = 3;

    /// <summary>The server cannot listen (the port is in use, or the address is not this machine's).</summary>
    public const int CannotListen = 4;

    /// <summary>The data directory or the media store cannot be written, or the database cannot be reached.</summary>
    public const int Storage = 5;
}
