namespace Nanogate.Hosting.Commands;

/// <summary>
/// Splits the command line into the command's own tokens and configuration settings (<c>--Section:Key=value</c>,
/// <c>--urls=…</c>), which every command passes to configuration exactly as the server always accepted them.
/// </summary>
internal static class ConfigurationArguments
{
    // The host's own top-level keys, accepted without a section (ASP.NET Core's command-line configuration).
    private static readonly string[] HostKeys = ["urls", "environment", "contentRoot", "applicationName", "http_ports", "https_ports"];

    /// <summary>The command tokens (in order) and the configuration settings (in order, as <c>--Key=value</c>).</summary>
    public static (string[] Command, string[] Settings) Split(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var command = new List<string>();
        var settings = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length < 3)
            {
                command.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var key = eq > 0 ? arg[2..eq] : arg[2..];
            if (!IsConfigurationKey(key))
            {
                command.Add(arg);
            }
            else if (eq > 0)
            {
                settings.Add(arg);
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                // "--Storage:DataDirectory /srv/data": the form the host accepts too.
                settings.Add(arg + "=" + args[++i]);
            }
            else
            {
                command.Add(arg);
            }
        }

        return ([.. command], [.. settings]);
    }

    private static bool IsConfigurationKey(string key) =>
        key.Contains(':', StringComparison.Ordinal) || HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase);
}
