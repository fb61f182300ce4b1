using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nanogate.Media;
using Nanogate.Storage;
using Nanogate.Storage.Backup;

namespace Nanogate.Hosting.Commands;

/// <summary>
/// <c>backup --to DIR</c>: a consistent copy of the database (SQLite's online backup, safe while the server runs),
/// then the media files and the key ring that encrypts channel credentials, and a manifest. PostgreSQL databases
/// are backed up with pg_dump; the command says how.
/// </summary>
internal static class BackupCommand
{
    /// <summary>The manifest's file name in a backup directory.</summary>
    public const string ManifestName = "nanogate-backup.json";

    /// <summary>The command.</summary>
    public static Command Create(CommandContext context)
    {
        var to = new Option<DirectoryInfo>("--to") { Description = "A new or empty directory to write the backup into.", Required = true };
        var command = new Command("backup", "Back up the database (consistent, while the server runs), media files and key ring into a directory.") { to };
        command.SetAction(CommandActions.Guarded(context, (p, ct) => RunAsync(context, p.GetRequiredValue(to).FullName, ct)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string directory, CancellationToken ct)
    {
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new CommandFailedException($"{directory} is not empty: back up into a new or empty directory.", ExitCodes.Usage);
        }

        await using var host = await context.OpenAsync(migrate: false, ct).ConfigureAwait(false);
        var media = host.Get<IOptions<MediaOptions>>().Value;
        var storage = host.Get<IOptions<StorageOptions>>().Value;

        // The database first, then the files: every image the snapshot's rows name was written before its row was
        // committed, so it is in the folder when the copy reaches it. Files written after the snapshot come along
        // without a row; after a restore the orphan sweep deletes them.
        var database = await host.Get<IStorageBackup>().BackupAsync(directory, ct).ConfigureAwait(false);
        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Database: {database.Path} ({database.Bytes:N0} bytes)")).ConfigureAwait(false);

        var mediaCopy = new FileCopyResult(0, 0);
        if (string.Equals(media.Provider, "s3", StringComparison.OrdinalIgnoreCase))
        {
            await context.Output.WriteLineAsync("Media: in an S3 bucket, not copied: keep it with the bucket's own versioning or replication, or copy it with aws s3 sync.").ConfigureAwait(false);
        }
        else
        {
            mediaCopy = FileCopy.CopyTree(media.FilesDirectory(storage.DataDirectory), Path.Combine(directory, "media"), "*");
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Media: {mediaCopy.Files:N0} file(s), {mediaCopy.Bytes:N0} bytes")).ConfigureAwait(false);
        }

        var keys = FileCopy.CopyTree(KeyRing.Directory(host.Configuration), Path.Combine(directory, "keys"), "*.xml");
        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Key ring: {keys.Files} key(s)")).ConfigureAwait(false);

        var manifest = new BackupManifest(
            host.Get<TimeProvider>().GetUtcNow(),
            typeof(BackupCommand).Assembly.GetName().Version?.ToString() ?? "",
            Path.GetFileName(database.Path),
            database.Bytes,
            mediaCopy.Files,
            mediaCopy.Bytes,
            keys.Files);
        await File.WriteAllTextAsync(Path.Combine(directory, ManifestName), JsonSerializer.Serialize(manifest, JsonDefaults.Snake), ct).ConfigureAwait(false);
        await context.Output.WriteLineAsync($"Backup complete in {directory}. Restore it with: restore --from {directory}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
