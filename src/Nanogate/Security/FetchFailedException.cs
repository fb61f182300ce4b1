namespace Nanogate.Security;

/// <summary>A fetch of a user-supplied URL failed (HTTP error, too large, timeout, unreachable). The message is safe to show to the user.</summary>
internal sealed class FetchFailedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public FetchFailedException()
    {
    }

    /// <summary>Creates the exception with a user-facing message.</summary>
    public FetchFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a user-facing message and its cause.</summary>
    public FetchFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
