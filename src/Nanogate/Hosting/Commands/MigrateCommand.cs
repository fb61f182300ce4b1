using System.CommandLine;
using Nanogate.Storage;

namespace Nanogate.Hosting.Commands;

/// <summary><c>migrate</c>: brings the database's schema up to date and exits (the server also does it at start).</summary>
internal static class MigrateCommand
{
    /// <summary>The command.</summary>
    public static Command Create(CommandContext context)
    {
        var command = new Command("migrate", "Apply every database migration not yet applied, then exit (serve does this at start too; safe while other processes run).");
        command.SetAction(CommandActions.Guarded(context, async (_, ct) =>
        {
            await using var host = await context.OpenAsync(migrate: true, ct).ConfigureAwait(false);
            await context.Output.WriteLineAsync($"Database at {host.Get<IStorage>().Location} is up to date.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
