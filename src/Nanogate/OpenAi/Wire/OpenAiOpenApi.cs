using Nanogate.Pipeline;

namespace Nanogate.OpenAi.Wire;

/// <summary>The OpenAPI description of the OpenAI dialect's image routes.</summary>
internal static class OpenAiOpenApi
{
    /// <summary>images/generations (both prefixes).</summary>
    public static RouteHandlerBuilder DescribeGenerations(this RouteHandlerBuilder route) => route
        .DescribesRequestBody<OpenAiImageGenerationRequest>("application/json")
        .Produces<OpenAiImagesResponse>()
        .ProducesErrors(Dialect.OpenAi, 404, 413, 429, 502, 503, 504);

    /// <summary>images/edits.</summary>
    public static RouteHandlerBuilder DescribeEdits(this RouteHandlerBuilder route) => route
        .DescribesRequestBody<OpenAiImageEditForm>("multipart/form-data")
        .Produces<OpenAiImagesResponse>()
        .ProducesErrors(Dialect.OpenAi, 404, 413, 429, 502, 503, 504);
}
