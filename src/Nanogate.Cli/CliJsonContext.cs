using System.Text.Json.Serialization;
using Nanogate.Client;

namespace Nanogate.Cli;

/// <summary>The <c>--json</c> output: the task dialect's own shapes (snake_case), source-generated.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(GenerateResult))]
[JsonSerializable(typeof(NanogateTask))]
[JsonSerializable(typeof(TaskList))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(AccountInfo))]
internal sealed partial class CliJsonContext : JsonSerializerContext
{
}
