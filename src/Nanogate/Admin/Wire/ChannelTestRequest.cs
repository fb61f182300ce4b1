namespace Nanogate.Admin.Wire;

/// <summary>The optional body of a channel test (described for OpenAPI; read field by field).</summary>
/// <param name="Model">A catalog model id (default nano-banana-2-lite).</param>
/// <param name="Prompt">The prompt (default: a small test image).</param>
internal sealed record ChannelTestRequest(string? Model = null, string? Prompt = null);
