namespace Nanogate.Tasks;

/// <summary>An image URL was refused or could not be fetched. The message is shown to the caller (400).</summary>
internal sealed class ImageFetchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImageFetchException()
    {
    }

    /// <summary>Creates the exception with a message for the caller.</summary>
    public ImageFetchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the caller and the cause.</summary>
    public ImageFetchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
