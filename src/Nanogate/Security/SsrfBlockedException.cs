namespace Nanogate.Security;

/// <summary>A URL was refused because it points at, or resolves to, an address or port Nanogate never connects to on a user's behalf. The message is safe to show to the user.</summary>
internal sealed class SsrfBlockedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public SsrfBlockedException()
    {
    }

    /// <summary>Creates the exception with a user-facing message.</summary>
    public SsrfBlockedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a user-facing message and its cause.</summary>
    public SsrfBlockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
