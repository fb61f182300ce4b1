using Nanogate.Core.Catalog;

namespace Nanogate.Gemini;

/// <summary>A validated, normalised Gemini request, ready for the upstream.</summary>
/// <param name="Body">camelCase JSON for the upstream, unknown fields kept.</param>
/// <param name="Adjustments">What Nanogate changed, for <c>x-nanogate-adjustments</c>.</param>
/// <param name="PromptChars">Characters of text in the contents (for the worst-case estimate).</param>
/// <param name="InputImages">Inline images in the contents.</param>
/// <param name="CandidateCount">generationConfig.candidateCount, default 1.</param>
/// <param name="Size">The size the model will render.</param>
internal sealed record PreparedGeminiRequest(ReadOnlyMemory<byte> Body, IReadOnlyList<string> Adjustments, long PromptChars, int InputImages, int CandidateCount, ImageSize Size);
