using System.CommandLine;

namespace Nanogate.Hosting.Commands;

/// <summary><c>copy-storage</c> on the command line; the work is <see cref="StorageCopyCommand"/>'s.</summary>
internal static class CopyStorageCommandLine
{
    /// <summary>The command.</summary>
    public static Command Create(CommandContext context)
    {
        var fromSqlite = new Option<string>("--from-sqlite") { Description = "The data directory of the SQLite install (the folder holding nanogate.db).", Required = true, HelpName = "dataDir" };
        var toPostgres = new Option<string?>("--to-postgres") { Description = "An Npgsql connection string; default ConnectionStrings:Postgres.", HelpName = "connection string" };
        var fromMedia = new Option<string?>("--from-media") { Description = "The install's media folder; default <dataDir>/media.", HelpName = "dir" };
        var command = new Command(StorageCopyCommand.Name, "Copy a stopped SQLite install (database, media, key ring) into an empty PostgreSQL database and the configured media store; checks the copy before committing.")
        {
            fromSqlite, toPostgres, fromMedia,
        };
        command.SetAction(async (p, ct) =>
        {
            var args = new List<string> { "--from-sqlite", p.GetRequiredValue(fromSqlite) };
            if (p.GetValue(toPostgres) is { } target)
            {
                args.AddRange(["--to-postgres", target]);
            }

            if (p.GetValue(fromMedia) is { } media)
            {
                args.AddRange(["--from-media", media]);
            }

            args.AddRange(context.Settings);
            return await StorageCopyCommand.RunAsync([.. args], context.Output, context.Error, ct).ConfigureAwait(false);
        });
        return command;
    }
}
