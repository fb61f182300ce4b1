namespace Nanogate.Hosting.Commands;

/// <summary>What a backup directory holds (<c>nanogate-backup.json</c>), written last: a directory without it is an unfinished backup.</summary>
internal sealed record BackupManifest(DateTimeOffset CreatedAt, string NanogateVersion, string DatabaseFile, long DatabaseBytes, int MediaFiles, long MediaBytes, int Keys);
