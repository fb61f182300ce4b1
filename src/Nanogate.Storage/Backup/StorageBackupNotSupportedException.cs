namespace Nanogate.Storage.Backup;

/// <summary>The provider's database is backed up with its own tools; the message says which, and how.</summary>
public sealed class StorageBackupNotSupportedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageBackupNotSupportedException()
    {
    }

    /// <summary>Creates the exception with the guidance for the operator.</summary>
    public StorageBackupNotSupportedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the guidance and a cause.</summary>
    public StorageBackupNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
