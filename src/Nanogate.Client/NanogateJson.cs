using System.Text.Json;

namespace Nanogate.Client;

/// <summary>The JSON settings of the task dialect (snake_case, source-generated), for writing the client's types back out.</summary>
public static class NanogateJson
{
    /// <summary>Options that read and write <see cref="NanogateTask"/>, <see cref="ModelList"/>, <see cref="AccountInfo"/> and the other types as the server does.</summary>
    public static JsonSerializerOptions Options { get; } = new(NanogateJsonContext.Default.Options) { WriteIndented = true };
}
