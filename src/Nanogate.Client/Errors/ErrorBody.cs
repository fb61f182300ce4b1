using System.Text.Json;

namespace Nanogate.Client;

/// <summary>The inside of <see cref="ErrorEnvelope"/>.</summary>
internal sealed class ErrorBody
{
    public JsonElement Code { get; set; }

    public string? Message { get; set; }

    public string? Param { get; set; }

    public string? Type { get; set; }
}
