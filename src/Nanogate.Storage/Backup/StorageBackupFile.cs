namespace Nanogate.Storage.Backup;

/// <summary>A database snapshot on disk: its path and size.</summary>
/// <param name="Path">The snapshot file.</param>
/// <param name="Bytes">Its size.</param>
public sealed record StorageBackupFile(string Path, long Bytes);
