namespace Nanogate.OpenAi.Wire;

/// <summary>The multipart form of <c>POST /openai/v1/images/edits</c> (described for /openapi/v1.json; read as a form).</summary>
/// <param name="Image">One or more image files (field image or image[]), JPEG, PNG or WebP.</param>
/// <param name="Prompt">Required: the edit.</param>
/// <param name="Model">A catalog id or alias.</param>
/// <param name="N">1..4.</param>
/// <param name="Size">As in generations.</param>
/// <param name="ResponseFormat">b64_json or url.</param>
internal sealed record OpenAiImageEditForm(IFormFileCollection Image, string Prompt, string? Model = null, int? N = null, string? Size = null, string? ResponseFormat = null);
