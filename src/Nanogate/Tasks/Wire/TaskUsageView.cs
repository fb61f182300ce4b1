namespace Nanogate.Tasks.Wire;

/// <summary>Tokens of a task's upstream calls.</summary>
/// <param name="InputTokens">Prompt and input images.</param>
/// <param name="OutputTokens">Everything generated.</param>
/// <param name="ImageTokens">The generated images' share of the output.</param>
internal sealed record TaskUsageView(long InputTokens, long OutputTokens, long ImageTokens);
