namespace Nanogate.Upstreams.Simulator;

/// <summary>One part of a simulated candidate: a text or an image, perhaps a thought, perhaps signed.</summary>
/// <param name="Text">The text, for a text part.</param>
/// <param name="Image">The image, for an inlineData part.</param>
/// <param name="Thought">Whether the part is a thought (planning text or a draft image).</param>
/// <param name="ThoughtSignature">An opaque signature, as Google puts on the first non-thought parts.</param>
internal sealed record SimulatedPart(string? Text = null, SimulatedImage? Image = null, bool Thought = false, string? ThoughtSignature = null);
