// Microsoft.Extensions.AI: code written against IImageGenerator, with Nanogate behind it (one registration to swap).
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 10.x.

namespace Nanogate.ClientTests.Examples;

public static class ImageGeneratorExample
{
    public static async Task<(DataContent Generated, DataContent Edited)> RunAsync(Uri baseUrl, string apiKey)
    {
        var services = new ServiceCollection();
        services.AddNanogateClient(o =>
        {
            o.BaseAddress = baseUrl;
            o.ApiKey = apiKey;
        });
        services.AddNanogateImageGenerator("nano-banana-2-lite");
        // With OpenAI instead, only this registration changes:
        // services.AddSingleton(new OpenAIClient(key).GetImageClient("gpt-image-1").AsIImageGenerator());
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IImageGenerator>();

        var generated = await generator.GenerateImagesAsync("A lighthouse at dusk, watercolor", new ImageGenerationOptions
        {
            Count = 1,
            ImageSize = new System.Drawing.Size(1536, 1024), // mapped to the model's nearest ratio, 3:2
            AdditionalProperties = new() { ["resolution"] = "1K" }, // or ["aspect_ratio"] = "16:9"
        });
        var image = (DataContent)generated.Contents[0];

        // An edit: the original image goes along as a reference.
        var edited = await generator.EditImageAsync(image, "Make it night, with a full moon");
        return (image, (DataContent)edited.Contents[0]);
    }
}
