namespace Nanogate.Storage.Transfer;

/// <summary>
/// A copy that cannot go ahead for a reason the operator can act on (the target is not empty, the schemas differ, the
/// source is missing). Its message is one complete sentence meant to be shown as it is.
/// </summary>
public sealed class StorageTransferException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public StorageTransferException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public StorageTransferException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public StorageTransferException()
        : base("The storage copy failed.")
    {
    }
}
