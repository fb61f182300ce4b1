using System.CommandLine;

namespace Nanogate.Hosting.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    /// <summary><c>--json</c>: machine-readable output.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print JSON (the admin API's field names) instead of text, for scripts." };
}
