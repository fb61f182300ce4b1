using System.CommandLine;
using System.Net.Sockets;
using Nanogate.Cli.Commands;
using Nanogate.Client;
using Spectre.Console;

namespace Nanogate.Cli;

/// <summary>
/// The <c>nanogate</c> tool: a client of a Nanogate server. Its commands (generate, models, balance, tasks, task,
/// cancel) never share a name with the server program's own operator commands (serve, backup, reset-admin-key,
/// accounts, keys, credits, copy-storage, …), which run as <c>dotnet run --project src/Nanogate -- …</c>.
/// </summary>
internal static class CliApp
{
    /// <summary>Runs the tool; returns its exit code (see <see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken cancellationToken)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("nanogate: make images with a Nanogate server from the terminal.\n\n"
            + "Configuration: NANOGATE_URL (default http://localhost:8080) and NANOGATE_API_KEY, or a config file\n"
            + "(~/.config/nanogate/config.json: {\"url\": \"...\", \"api_key\": \"sk-...\", \"model\": \"...\"}).\n\n" + ExitCodes.Help);
        globals.AddTo(root);
        var context = new CommandContext(env, globals);
        root.Add(GenerateCommand.Create(context));
        root.Add(ModelsCommand.Create(context));
        root.Add(BalanceCommand.Create(context));
        root.Add(TasksCommand.Create(context));
        root.Add(TaskCommand.Create(context));
        root.Add(CancelCommand.Create(context));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await env.Error.WriteLineAsync($"nanogate: {error.Message}");
            }

            await env.Error.WriteLineAsync("Run 'nanogate --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = env.Out, Error = env.Error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (Exception e) when (Explain(e) is { } failure)
        {
            await env.Error.WriteLineAsync("nanogate: " + failure.Message);
            return failure.Code;
        }
    }

    /// <summary>One line and an exit code for a failure, or null for a bug (which then surfaces with its stack).</summary>
    internal static (int Code, string Message)? Explain(Exception e) => e switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        NanogateAuthenticationException auth => (ExitCodes.Authentication, $"The server refused the API key: {auth.Message}"),
        NanogateInsufficientCreditsException credits => (ExitCodes.NoCredits, $"Not enough credits: {credits.Message}"),
        NanogateNotFoundException { Code: "model_not_found" } model => (ExitCodes.Usage, model.Message),
        NanogateNotFoundException notFound => (ExitCodes.NotFound, notFound.Message),
        NanogateInvalidRequestException invalid => (ExitCodes.Usage, invalid.Message),
        NanogateTaskFailedException failed => (ExitCodes.GenerationFailed, failed.Message),
        NanogateServerException or NanogateRateLimitException => (ExitCodes.ServerError, $"The server failed: {e.Message} (request {((NanogateException)e).RequestId})"),
        NanogateException other => (ExitCodes.Unexpected, $"{other.Message} ({other.Code}, HTTP {(int)other.StatusCode})"),
        HttpRequestException { InnerException: SocketException or IOException } or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError }
            => (ExitCodes.Unreachable, $"Cannot reach the server: {e.Message}"),
        HttpRequestException http => (ExitCodes.Unreachable, $"Cannot reach the server: {http.Message}"),
        TimeoutException timeout => (ExitCodes.Unreachable, timeout.Message),
        OperationCanceledException => (ExitCodes.Canceled, "Canceled (the task goes on on the server: nanogate cancel ID stops it)."),
        IOException io => (ExitCodes.Unexpected, io.Message),
        UnauthorizedAccessException access => (ExitCodes.Unexpected, access.Message),
        _ => null,
    };

    /// <summary>A Spectre console on <paramref name="writer"/>: ANSI and live rendering only when it is a terminal.</summary>
    internal static IAnsiConsole Console(TextWriter writer, bool terminal) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(writer),
        Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
    });
}
