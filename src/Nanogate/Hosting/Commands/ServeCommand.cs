using System.CommandLine;

namespace Nanogate.Hosting.Commands;

/// <summary>
/// <c>serve</c> (also what runs with no command): the server. A failure to start (a port in use, an invalid setting,
/// an unwritable data directory) prints one line and exits with its code instead of the host's stack trace.
/// </summary>
internal static class ServeCommand
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>The command.</summary>
    public static Command Create(CommandContext context)
    {
        var command = new Command("serve", "Run the server (the default when no command is given). Settings as --Section:Key=value, e.g. --urls=http://0.0.0.0:8080.");
        command.SetAction((_, ct) => RunAsync(context, ct));
        return command;
    }

    /// <summary>Runs the server until it is stopped (SIGTERM, Ctrl+C); returns the exit code.</summary>
    public static async Task<int> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var started = false;
        WebApplication? app = null;
        string[] urls = [];
        try
        {
            // Until the server has started, a start failure is reported here as one line; the host would also log it
            // with its stack trace. After start the host's errors (a background service failing) are logged as usual.
            app = NanogateApp.Build([.. context.Settings], builder => builder.Logging.AddFilter(
                HostCategory, level => level >= LogLevel.Information && (Volatile.Read(ref started) || level < LogLevel.Error)));
            urls = (app.Configuration["urls"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
            app.Lifetime.ApplicationStarted.Register(() => Volatile.Write(ref started, true));
            await app.RunAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (!Volatile.Read(ref started))
        {
            var (line, code) = CommandErrors.Describe(e, urls);
            await context.Error.WriteLineAsync($"Nanogate cannot start: {line}").ConfigureAwait(false);
            return code;
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
