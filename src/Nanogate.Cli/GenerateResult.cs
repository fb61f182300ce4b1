using Nanogate.Client;

namespace Nanogate.Cli;

/// <summary>The <c>--json</c> output of generate: the ended task and the files saved.</summary>
internal sealed class GenerateResult
{
    public required NanogateTask Task { get; init; }

    public required IReadOnlyList<string> Files { get; init; }
}
