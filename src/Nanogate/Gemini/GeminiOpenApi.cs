using Nanogate.Gemini.Wire;
using Nanogate.Pipeline;

namespace Nanogate.Gemini;

/// <summary>The OpenAPI description of the generateContent routes (kept out of the endpoint file's handler code).</summary>
internal static class GeminiOpenApi
{
    /// <summary>Body, answers (JSON, or SSE with <c>?alt=sse</c>) and Google's error statuses.</summary>
    public static RouteHandlerBuilder DescribeGenerateContent(this RouteHandlerBuilder route) => route
        .DescribesRequestBody<GeminiGenerateContentRequest>("application/json")
        .Produces<GeminiGenerateContentResponse>(StatusCodes.Status200OK, "application/json", "text/event-stream")
        .ProducesErrors(Dialect.Gemini, 402, 403, 404, 413, 429, 502, 503, 504)
        .WithDescription("{model} is \"{id}:generateContent\" or \"{id}:streamGenerateContent\" (with ?alt=sse: Google's SSE frames; without: a JSON array of responses). The key goes in x-goog-api-key, ?key= or Authorization: Bearer.");
}
