using System.CommandLine;
using System.Text.Json;
using Nanogate.Client;
using Spectre.Console;

namespace Nanogate.Cli;

/// <summary>What every command needs: the environment, the global options and a client built from them.</summary>
internal sealed class CommandContext(CliEnvironment env, GlobalOptions globals)
{
    public CliEnvironment Env { get; } = env;

    public GlobalOptions Globals { get; } = globals;

    public bool Json(ParseResult parse) => parse.GetValue(Globals.Json);

    public CliSettings Settings(ParseResult parse) => CliSettings.Load(Env, parse.GetValue(Globals.Url), parse.GetValue(Globals.Config));

    /// <summary>A client for the configured server; <paramref name="needsKey"/> fails early with the one-line explanation.</summary>
    public NanogateClient Client(ParseResult parse, bool needsKey = true)
    {
        var settings = Settings(parse);
        var key = needsKey ? settings.RequireKey() : settings.ApiKey;
        var seconds = parse.GetValue(Globals.Timeout);
        if (seconds <= 0)
        {
            throw new CliException(ExitCodes.Usage, "--timeout must be a positive number of seconds.");
        }

        var options = new NanogateClientOptions { BaseAddress = settings.Url, ApiKey = key, UserAgent = "nanogate-cli/" + typeof(CliApp).Assembly.GetName().Version?.ToString(3) };
        if (seconds is { } limit)
        {
            options.RequestTimeout = TimeSpan.FromSeconds(limit);
            options.Wait.Timeout = TimeSpan.FromSeconds(limit);
        }

        return new NanogateClient(options);
    }

    public IAnsiConsole Out() => CliApp.Console(Env.Out, Env.OutIsTerminal);

    public IAnsiConsole Error() => CliApp.Console(Env.Error, Env.Interactive);

    public async Task WriteJsonAsync<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        await Env.Out.WriteLineAsync(JsonSerializer.Serialize(value, type));
    }
}
