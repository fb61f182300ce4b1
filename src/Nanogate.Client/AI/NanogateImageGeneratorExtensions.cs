using Microsoft.Extensions.AI;

#pragma warning disable MEAI001 // IImageGenerator is marked experimental in Microsoft.Extensions.AI 10.x; this type implements it on purpose.

namespace Nanogate.Client;

/// <summary>Wraps a <see cref="NanogateClient"/> as Microsoft.Extensions.AI's <see cref="IImageGenerator"/>.</summary>
public static class NanogateImageGeneratorExtensions
{
    /// <summary>An <see cref="IImageGenerator"/> on this client (named like OpenAI's <c>ImageClient.AsIImageGenerator()</c>).</summary>
    public static IImageGenerator AsIImageGenerator(this NanogateClient client, string? defaultModelId = null) =>
        new NanogateImageGenerator(client, defaultModelId);
}
