using System.CommandLine;

namespace Nanogate.Hosting.Commands;

/// <summary>
/// The server program's command line (System.CommandLine): <c>serve</c> by default, and the operator's commands.
/// Settings (<c>--Section:Key=value</c>, <c>--urls=…</c>) are accepted by every command and reach configuration
/// exactly as they always did, so <c>Nanogate --Storage:DataDirectory=/srv</c> still starts the server.
/// The command names never overlap with the client tool's (<c>nanogate generate|models|balance|tasks|task</c>).
/// </summary>
internal static class ServerCommandLine
{
    /// <summary>Parses <paramref name="args"/> and runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var (commandArgs, settings) = ConfigurationArguments.Split(args);
        var context = new CommandContext(settings, output, error);
        var root = Build(context);
        var parse = root.Parse(commandArgs);
        if (parse.Errors.Count > 0)
        {
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync(parseError.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync("See --help for the commands and their options.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // The host handles SIGTERM/Ctrl+C for serve (graceful shutdown); System.CommandLine must not race it.
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The command tree.</summary>
    public static RootCommand Build(CommandContext context)
    {
        var root = new RootCommand("""
            Nanogate: a self-hosted image-generation API. With no command it runs the server (serve).
            Every command takes settings as --Section:Key=value (e.g. --Storage:DataDirectory=/srv/nanogate) or the
            environment (Storage__DataDirectory); see docs/configuration.md. Exit codes: 0 done, 1 failed, 2 usage,
            3 invalid configuration, 4 cannot listen, 5 storage unreachable or not writable.
            """)
        {
            ServeCommand.Create(context),
            CheckConfigCommand.Create(context),
            MigrateCommand.Create(context),
            AdminKeyCommand.Create(context),
            AccountCommands.Create(context),
            KeyCommands.Create(context),
            CreditCommands.Create(context),
            BackupCommand.Create(context),
            RestoreCommand.Create(context),
            PurgeMediaCommand.Create(context),
            CopyStorageCommandLine.Create(context),
        };
        root.SetAction((_, ct) => ServeCommand.RunAsync(context, ct));
        return root;
    }
}
