namespace Nanogate.Cli;

/// <summary>The tool's exit codes (documented in docs/clients.md and <c>nanogate --help</c>); scripts may rely on them.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected error.</summary>
    public const int Unexpected = 1;

    /// <summary>Bad arguments, an unknown model, a ratio or size the model lacks, a request the server refused as invalid.</summary>
    public const int Usage = 2;

    /// <summary>No API key configured, or a bad URL or config file.</summary>
    public const int Configuration = 3;

    /// <summary>The server refused the API key (401/403).</summary>
    public const int Authentication = 4;

    /// <summary>Not enough credits (402).</summary>
    public const int NoCredits = 5;

    /// <summary>The server could not be reached, or did not answer in time.</summary>
    public const int Unreachable = 6;

    /// <summary>The task failed or was canceled, or only some of its images were made.</summary>
    public const int GenerationFailed = 7;

    /// <summary>No such task.</summary>
    public const int NotFound = 8;

    /// <summary>The server failed or is rate limited (5xx, 429): try again later.</summary>
    public const int ServerError = 9;

    /// <summary>Interrupted (Ctrl+C), as shells report a SIGINT.</summary>
    public const int Canceled = 130;

    /// <summary>The help text's table of exit codes.</summary>
    public const string Help = """
        Exit codes: 0 ok, 1 unexpected error, 2 bad arguments / unknown model / unsupported ratio / invalid request,
          3 no API key or bad configuration, 4 key refused, 5 not enough credits, 6 server unreachable or timed out,
          7 task failed or only partly made, 8 no such task, 9 server error or rate limited, 130 interrupted.
        """;
}
