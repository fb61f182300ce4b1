using Nanogate.Core.Requests;

namespace Nanogate.OpenAi;

/// <summary>An OpenAI images request translated to the core request, with how to deliver the result.</summary>
/// <param name="Request">The canonical request (n, ratio and tier already made effective).</param>
/// <param name="AsUrl">response_format url (else b64_json).</param>
/// <param name="Adjustments">What was changed to fit the model, reported in <c>x-nanogate-adjustments</c>.</param>
internal sealed record OpenAiImageJob(ImageRequest Request, bool AsUrl, IReadOnlyList<string> Adjustments);
