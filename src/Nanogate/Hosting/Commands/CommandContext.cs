using System.Text.Json;

namespace Nanogate.Hosting.Commands;

/// <summary>What every operator command shares: the configuration settings from the command line and where to write.</summary>
/// <param name="Settings">The <c>--Section:Key=value</c> settings, passed to configuration as the server takes them.</param>
/// <param name="Output">Where results go.</param>
/// <param name="Error">Where the one-line failures go.</param>
internal sealed record CommandContext(IReadOnlyList<string> Settings, TextWriter Output, TextWriter Error)
{
    private static readonly JsonSerializerOptions Json = new(JsonDefaults.Snake) { WriteIndented = true };

    /// <summary>Opens the server's services (see <see cref="OperatorHost"/>).</summary>
    public Task<OperatorHost> OpenAsync(bool migrate, CancellationToken cancellationToken) =>
        OperatorHost.OpenAsync(Settings, migrate, cancellationToken);

    /// <summary>Writes <paramref name="value"/> as indented snake_case JSON (the admin API's field names).</summary>
    public Task WriteJsonAsync(object value) => Output.WriteLineAsync(JsonSerializer.Serialize(value, Json));
}
