using System.CommandLine;

namespace Nanogate.Hosting.Commands;

/// <summary>
/// <c>copy-storage</c> on the command line: its options, help and usage errors (exit 2) are System.CommandLine's, as
/// every other command's; the work is <see cref="StorageCopyCommand"/>'s (exit 0 committed, 1 failed).
/// </summary>
internal static class CopyStorageCommandLine
{
    /// <summary>The command.</summary>
    public static Command Create(CommandContext context)
    {
        var fromSqlite = PathOption("--from-sqlite", "The data directory of the SQLite install (the folder holding nanogate.db).", "dataDir");
        fromSqlite.Required = true;
        var toPostgres = PathOption("--to-postgres", "An Npgsql connection string; default ConnectionStrings:Postgres.", "connection string");
        var fromMedia = PathOption("--from-media", "The install's media folder; default <dataDir>/media.", "dir");
        var command = new Command(StorageCopyCommand.Name, "Copy a stopped SQLite install (database, media, key ring) into an empty PostgreSQL database and the configured media store; checks the copy before committing.")
        {
            fromSqlite, toPostgres, fromMedia,
        };
        command.SetAction((p, ct) => StorageCopyCommand.RunAsync(
            p.GetRequiredValue(fromSqlite)!, p.GetValue(toPostgres), p.GetValue(fromMedia), context.Settings, context.Output, context.Error, ct));
        return command;
    }

    // A value that is there: "--from-media ''" is a usage error (exit 2), not a copy from the working directory.
    private static Option<string?> PathOption(string name, string description, string helpName)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = helpName };
        option.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string?>()))
            {
                result.AddError($"{name} needs a value.");
            }
        });
        return option;
    }
}
