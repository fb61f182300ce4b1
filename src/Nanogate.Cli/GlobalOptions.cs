using System.CommandLine;

namespace Nanogate.Cli;

/// <summary>Options every command takes.</summary>
internal sealed class GlobalOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON for scripts instead of text", Recursive = true };

    public Option<string?> Url { get; } = new("--url") { Description = "The server's URL (default: NANOGATE_URL, the config file, http://localhost:8080)", Recursive = true };

    public Option<string?> Config { get; } = new("--config") { Description = "The config file (default: ~/.config/nanogate/config.json)", Recursive = true };

    public Option<double?> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for each request, and for generate the whole task (default 100; generate 600)",
        Recursive = true,
    };

    public void AddTo(Command root)
    {
        root.Add(Json);
        root.Add(Url);
        root.Add(Config);
        root.Add(Timeout);
    }
}
