namespace Nanogate.Tasks.Wire;

/// <summary>The request of a task, after normalisation.</summary>
/// <param name="Prompt">The prompt.</param>
/// <param name="AspectRatio">The ratio used (W:H).</param>
/// <param name="Resolution">The tier used (0.5K, 1K, 2K, 4K).</param>
/// <param name="N">Images asked for.</param>
internal sealed record TaskRequestView(string Prompt, string AspectRatio, string Resolution, int N);
