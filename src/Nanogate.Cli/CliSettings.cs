using System.Text.Json;

namespace Nanogate.Cli;

/// <summary>
/// Where to connect and with which key: <c>--url</c>, else <c>NANOGATE_URL</c>, else the config file's <c>url</c>, else
/// http://localhost:8080; the key from <c>NANOGATE_API_KEY</c>, else the config file's <c>api_key</c>. The config file is
/// <c>--config</c>, else <c>NANOGATE_CONFIG</c>, else <c>$XDG_CONFIG_HOME/nanogate/config.json</c> (<c>~/.config/nanogate/config.json</c>).
/// </summary>
internal sealed record CliSettings(Uri Url, string? ApiKey, string? DefaultModel, string ConfigPath)
{
    public const string DefaultUrl = "http://localhost:8080";

    public static CliSettings Load(CliEnvironment env, string? urlOption, string? configOption)
    {
        var configPath = configOption ?? NonEmpty(env.Variable("NANOGATE_CONFIG")) ?? DefaultConfigPath(env);
        string? fileUrl = null, fileKey = null, fileModel = null;
        if (File.Exists(configPath))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(configPath));
                fileUrl = Text(document.RootElement, "url");
                fileKey = Text(document.RootElement, "api_key");
                fileModel = Text(document.RootElement, "model");
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                throw new CliException(ExitCodes.Configuration, $"Cannot read the config file {configPath}: {e.Message}");
            }
        }
        else if (configOption is not null)
        {
            throw new CliException(ExitCodes.Configuration, $"The config file {configPath} does not exist.");
        }

        var url = NonEmpty(urlOption) ?? NonEmpty(env.Variable("NANOGATE_URL")) ?? NonEmpty(fileUrl) ?? DefaultUrl;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException(ExitCodes.Configuration, $"The server URL '{url}' is not an http(s) URL (set NANOGATE_URL or --url).");
        }

        return new CliSettings(uri, NonEmpty(env.Variable("NANOGATE_API_KEY")) ?? NonEmpty(fileKey), NonEmpty(fileModel), configPath);
    }

    /// <summary>The key, or the one-line explanation of how to set it.</summary>
    public string RequireKey() => ApiKey ?? throw new CliException(
        ExitCodes.Configuration,
        $"No API key: set NANOGATE_API_KEY, or put {{\"api_key\": \"sk-...\"}} in {ConfigPath}.");

    private static string DefaultConfigPath(CliEnvironment env)
    {
        var configHome = NonEmpty(env.Variable("XDG_CONFIG_HOME"))
            ?? Path.Combine(env.HomeDirectory ?? NonEmpty(env.Variable("HOME")) ?? ".", ".config");
        return Path.Combine(configHome, "nanogate", "config.json");
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
