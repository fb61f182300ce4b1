namespace Nanogate.Upstreams.Simulator;

/// <summary>One GenerateContentResponse the simulator sends: a whole answer, or one event of a stream.</summary>
/// <param name="Parts">The candidate's parts; empty writes a content with only its role, null writes no content.</param>
/// <param name="FinishReason">The finish reason, on the last (or only) response.</param>
/// <param name="FinishMessage">A human-readable reason, for blocked answers.</param>
/// <param name="Usage">Usage so far (cumulative over a stream).</param>
internal sealed record SimulatedChunk(IReadOnlyList<SimulatedPart>? Parts, string? FinishReason, string? FinishMessage, SimulatedUsage Usage);
