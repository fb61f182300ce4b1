using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Options;
using Nanogate.Media;
using Nanogate.Storage;
using Nanogate.Storage.Transfer;

namespace Nanogate.Hosting;

/// <summary>
/// <c>Nanogate copy-storage --from-sqlite &lt;dataDir&gt; [--to-postgres &lt;connection string&gt;]</c>: copies a stopped
/// SQLite install (database and media) into an empty PostgreSQL database and the media store of <c>Media:*</c>, checks
/// the copy, and commits it only when both sides agree. Runs before (and instead of) the web host.
/// </summary>
internal static class StorageCopyCommand
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "copy-storage";

    /// <summary>
    /// Copies <paramref name="fromSqlite"/> (and its media, <paramref name="fromMedia"/> or <c>&lt;dataDir&gt;/media</c>) into
    /// <paramref name="toPostgres"/> (or <c>ConnectionStrings:Postgres</c>) with <paramref name="settings"/> as the server
    /// takes them; returns the exit code: 0 committed, 1 failed with nothing committed (one line on <paramref name="error"/>).
    /// The command line (options, help, usage errors) is <see cref="Commands.CopyStorageCommandLine"/>'s.
    /// </summary>
    public static async Task<int> RunAsync(
        string fromSqlite, string? toPostgres, string? fromMedia, IReadOnlyList<string> settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return await CopyAsync(new CopyArguments(fromSqlite, toPostgres, fromMedia, settings), output, error, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"copy-storage: {Describe(e)} Nothing was committed.").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> CopyAsync(CopyArguments arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var configuration = BuildConfiguration(arguments.Settings);
        var connectionString = arguments.ToPostgres ?? configuration.GetConnectionString("Postgres");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StorageTransferException("No target: give --to-postgres <connection string> or set ConnectionStrings:Postgres.");
        }

        var dataDirectory = Path.GetFullPath(arguments.FromSqlite);
        if (!Directory.Exists(dataDirectory))
        {
            throw new StorageTransferException($"There is no directory {dataDirectory}.");
        }

        var mediaDirectory = Path.GetFullPath(arguments.FromMedia ?? Path.Combine(dataDirectory, "media"));

        // Both sides through the same registrations as the server (AddNanogateStorage, AddMediaBlobs), each with its own
        // configuration: the source is the SQLite install and its media folder, the target what configuration names.
        var sourceConfiguration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Media:Provider"] = "files",
            ["Media:Directory"] = mediaDirectory,
            ["Media:DirectWrites"] = "false",
        }).Build();
        await using var sourceServices = StorageServices(sourceConfiguration).BuildServiceProvider();
        var targetConfiguration = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "postgres",
            ["ConnectionStrings:Postgres"] = connectionString,
        }).Build();
        await using var targetServices = StorageServices(targetConfiguration).BuildServiceProvider();

        var export = sourceServices.GetRequiredService<IStorageExport>();
        var import = targetServices.GetRequiredService<IStorageImport>();
        var targetMedia = targetServices.GetRequiredService<IMediaBlobStore>();
        var sourceMedia = sourceServices.GetRequiredService<IMediaBlobStore>();

        await output.WriteLineAsync($"Copying {export.Location} (media {mediaDirectory})").ConfigureAwait(false);
        await output.WriteLineAsync($"     to {import.Location} (media {DescribeMediaTarget(configuration)})").ConfigureAwait(false);

        await using var snapshot = await export.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await import.BeginAsync(cancellationToken).ConfigureAwait(false);

        // Media first: it is resumable (what is there is skipped) while the database copy is all or nothing, so a
        // failure here leaves the target database empty and the command can simply be run again.
        var items = await ReadMediaAsync(snapshot, cancellationToken).ConfigureAwait(false);
        var media = await MediaCopier.CopyAsync(items, sourceMedia, targetMedia, TimeProvider.System.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Media: {media.Copied} copied, {media.AlreadyThere} already there, {media.Purged} purged before (no bytes), {media.ExpiredWithoutBytes} expired without bytes")).ConfigureAwait(false);
        if (media.Missing.Count > 0)
        {
            foreach (var id in media.Missing.Take(20))
            {
                await error.WriteLineAsync($"copy-storage: image {id} has not expired but its bytes are not in {mediaDirectory}.").ConfigureAwait(false);
            }

            if (media.Missing.Count > 20)
            {
                await error.WriteLineAsync($"copy-storage: … and {media.Missing.Count - 20} more images without bytes.").ConfigureAwait(false);
            }

            await error.WriteLineAsync("copy-storage: the database was not copied (give the right folder with --from-media). Nothing was committed.").ConfigureAwait(false);
            return 1;
        }

        // The key ring that encrypts stored channel credentials travels with them: without it the target cannot decrypt
        // them and those channels would not load. Its files are copied, never overwritten (resumable, like media).
        var keyRing = CopyKeyRing(Path.Combine(dataDirectory, "keys"), KeyRing.Directory(configuration));
        await output.WriteLineAsync(keyRing).ConfigureAwait(false);

        var report = await StorageCopier.CopyAsync(snapshot, transaction, cancellationToken).ConfigureAwait(false);
        await WriteSummaryAsync(report, output).ConfigureAwait(false);
        if (!report.Committed)
        {
            foreach (var mismatch in report.Mismatches)
            {
                await error.WriteLineAsync($"copy-storage: {mismatch}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("copy-storage: the copy does not match its source. Nothing was committed.").ConfigureAwait(false);
            return 1;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Committed. {report.AccountsChecked} accounts: balances and ledger sums equal on both sides. Start Nanogate with Storage:Provider=postgres.")).ConfigureAwait(false);
        return 0;
    }

    private static async Task<List<MediaCopyItem>> ReadMediaAsync(IStorageSnapshot snapshot, CancellationToken cancellationToken)
    {
        var items = new List<MediaCopyItem>();
        if (snapshot.Tables.FirstOrDefault(t => t.Name == "media") is not { } table)
        {
            return items;
        }

        int Column(string name) => table.Columns.ToList().IndexOf(name) is >= 0 and var i
            ? i
            : throw new StorageTransferException($"The media table has no column {name}.");
        int id = Column("id"), mime = Column("mime_type"), expires = Column("expires_at"), purged = Column("purged_at");
        await foreach (var row in snapshot.ReadRowsAsync(table, cancellationToken).ConfigureAwait(false))
        {
            items.Add(new MediaCopyItem((string)row[id]!, (string)row[mime]!, Convert.ToInt64(row[expires], CultureInfo.InvariantCulture), row[purged] is not null));
        }

        return items;
    }

    private static async Task WriteSummaryAsync(StorageCopyReport report, TextWriter output)
    {
        var width = Math.Max(5, report.Tables.Max(t => t.Table.Length));
        await output.WriteLineAsync($"{"table".PadRight(width)}  {"sqlite",10}  {"postgres",10}").ConfigureAwait(false);
        foreach (var table in report.Tables)
        {
            var mark = table.Source == table.Target ? "" : "  differs";
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{table.Table.PadRight(width)}  {table.Source,10}  {table.Target,10}{mark}")).ConfigureAwait(false);
        }
    }

    /// <summary>Copies the key files of <paramref name="source"/> missing in <paramref name="target"/>; a line for the output.</summary>
    private static string CopyKeyRing(string source, string target)
    {
        if (!Directory.Exists(source))
        {
            return $"Key ring: none in {source} (no stored channel credentials to carry)";
        }

        if (Path.GetFullPath(source) == target)
        {
            return $"Key ring: {target} is already the target's";
        }

        Directory.CreateDirectory(target);
        var copied = 0;
        foreach (var file in Directory.EnumerateFiles(source, "*.xml"))
        {
            var destination = Path.Combine(target, Path.GetFileName(file));
            if (!File.Exists(destination))
            {
                File.Copy(file, destination);
                copied++;
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"Key ring: {copied} key(s) copied to {target} (channel credentials stay readable)");
    }

    private static ServiceCollection StorageServices(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration).AddSingleton(TimeProvider.System).AddLogging();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection("Storage"));
        services.AddNanogateStorage(configuration);
        services.AddMediaBlobs(configuration);
        return services;
    }

    private static string DescribeMediaTarget(IConfiguration configuration)
    {
        if (string.Equals(configuration["Media:Provider"], "s3", StringComparison.OrdinalIgnoreCase))
        {
            return $"s3 bucket {configuration["Media:S3:Bucket"]}{configuration["Media:S3:Prefix"]}";
        }

        var dataDirectory = configuration["Storage:DataDirectory"] is { Length: > 0 } d ? d : "./data";
        return Path.GetFullPath(configuration["Media:Directory"] is { Length: > 0 } m ? m : Path.Combine(dataDirectory, "media"));
    }

    private static IConfiguration BuildConfiguration(IReadOnlyList<string> settings)
    {
        // The server's sources, minus the web host: appsettings(.{Environment}).json in the working directory, then
        // environment variables, then --Section:Key=value arguments.
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{environment}.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine([.. settings])
            .Build();
    }

    private static string Describe(Exception e)
    {
        var message = e switch
        {
            StorageTransferException or OptionsValidationException => e.Message,
            OperationCanceledException => "Canceled.",
            DbException => $"Database error: {e.Message}",
            _ => $"{e.GetType().Name}: {e.Message}",
        };

        // One line, whatever the exception carried.
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).TrimEnd('.') + ".";
    }

    private sealed record CopyArguments(string FromSqlite, string? ToPostgres, string? FromMedia, IReadOnlyList<string> Settings);
}
