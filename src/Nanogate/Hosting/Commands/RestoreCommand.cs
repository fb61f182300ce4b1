using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using Nanogate.Media;
using Nanogate.Storage;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Backup;

namespace Nanogate.Hosting.Commands;

/// <summary>
/// <c>restore --from DIR [--force]</c>: puts a backup back (database, media files, key ring). The server must be
/// stopped. A database that already holds accounts is only replaced with <c>--force</c>.
/// </summary>
internal static class RestoreCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CommandContext context)
    {
        var from = new Option<DirectoryInfo>("--from") { Description = "A directory written by backup.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace a database that already holds accounts." };
        var command = new Command("restore", "Restore a backup (stop the server first): the database, media files and key ring.") { from, force };
        command.SetAction(CommandActions.Guarded(context, (p, ct) => RunAsync(context, p.GetRequiredValue(from).FullName, p.GetValue(force), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string directory, bool force, CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(directory, BackupCommand.ManifestName)))
        {
            throw new CommandFailedException($"{directory} holds no complete backup (no {BackupCommand.ManifestName}; backup writes it last).", ExitCodes.Usage);
        }

        await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
        var existing = await host.Get<IAccountStore>().ListAccountsAsync(ct).ConfigureAwait(false);
        if (existing.Count > 0 && !force)
        {
            throw new CommandFailedException(string.Create(CultureInfo.InvariantCulture,
                $"the database at {host.Get<IStorage>().Location} already holds {existing.Count} account(s): give --force to replace it with the backup."), ExitCodes.Usage);
        }

        var database = await host.Get<IStorageBackup>().RestoreAsync(directory, ct).ConfigureAwait(false);
        // The backup may come from an older build: bring its schema up to date now rather than at the next start.
        await host.Get<IStorage>().MigrateAsync(ct).ConfigureAwait(false);
        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Database: restored into {database.Path}")).ConfigureAwait(false);

        var media = host.Get<IOptions<MediaOptions>>().Value;
        if (!string.Equals(media.Provider, "s3", StringComparison.OrdinalIgnoreCase))
        {
            var copied = FileCopy.CopyTree(Path.Combine(directory, "media"), media.FilesDirectory(host.Get<IOptions<StorageOptions>>().Value.DataDirectory), "*");
            await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Media: {copied.Files:N0} file(s), {copied.Bytes:N0} bytes")).ConfigureAwait(false);
        }

        var keys = FileCopy.CopyTree(Path.Combine(directory, "keys"), KeyRing.Directory(host.Configuration), "*.xml");
        await context.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Key ring: {keys.Files} key(s)")).ConfigureAwait(false);
        await context.Output.WriteLineAsync("Restore complete. Start the server.").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
