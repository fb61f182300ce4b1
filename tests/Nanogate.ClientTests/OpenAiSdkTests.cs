using System.ClientModel;
using Microsoft.Extensions.AI;
using Nanogate.ClientTests.Infrastructure;
using Nanogate.IntegrationTests.Infrastructure;
using OpenAI;
using OpenAI.Images;
using ImageGenerationOptions = OpenAI.Images.ImageGenerationOptions;

#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 10.x; these tests exercise it on purpose.
#pragma warning disable OPENAI001 // Some image options of the OpenAI SDK are marked experimental.

namespace Nanogate.ClientTests;

/// <summary>The official OpenAI .NET SDK and Microsoft.Extensions.AI.OpenAI's adapter pointed at the server's /openai/v1.</summary>
public sealed class OpenAiSdkTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    private ImageClient Images(string key, string model = "nano-banana-2-lite") =>
        new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(fixture.Server.BaseAddress, "/openai/v1") }).GetImageClient(model);

    [Fact]
    public async Task ImageClient_generates_b64_images_at_the_mapped_size()
    {
        var account = await fixture.Server.CreateAccountAsync(10_000);
        var result = await Images(account.Key).GenerateImagesAsync("A cozy reading nook", 2, new ImageGenerationOptions
        {
            Size = GeneratedImageSize.W1536xH1024,
            ResponseFormat = GeneratedImageFormat.Bytes,
        });
        Assert.Equal(2, result.Value.Count);
        Assert.All(result.Value, image => Assert.Equal((1264, 848), Png.Size(image.ImageBytes.ToArray())));
        Assert.Equal(90, (await account.BalanceAsync()).Charged);
    }

    [Fact]
    public async Task ImageClient_generates_url_images()
    {
        var account = await fixture.Server.CreateAccountAsync(10_000);
        var result = await Images(account.Key).GenerateImageAsync("A snowy village", new ImageGenerationOptions
        {
            Size = GeneratedImageSize.W1024xH1792,
            ResponseFormat = GeneratedImageFormat.Uri,
        });
        using var http = new HttpClient();
        var (width, height) = Png.Size(await http.GetByteArrayAsync(result.Value.ImageUri));
        Assert.True(height > width, $"{width}x{height} is not portrait");
    }

    [Fact]
    public async Task ImageClient_edits_an_uploaded_image()
    {
        var account = await fixture.Server.CreateAccountAsync(10_000);
        using var input = new MemoryStream(TestImages.Png(400, 300));
        var result = await Images(account.Key).GenerateImageEditAsync(input, "input.png", "Make it winter", new ImageEditOptions { ResponseFormat = GeneratedImageFormat.Bytes });
        Assert.Equal((1200, 896), Png.Size(result.Value.ImageBytes.ToArray())); // the input's 4:3
    }

    [Fact]
    public async Task The_SDKs_own_exceptions_carry_the_servers_errors()
    {
        var account = await fixture.Server.CreateAccountAsync(1);
        var noCredits = await Assert.ThrowsAsync<ClientResultException>(() => Images(account.Key).GenerateImageAsync("A kite"));
        Assert.Equal(429, noCredits.Status);
        Assert.Contains("insufficient_quota", noCredits.Message, StringComparison.Ordinal);
        var badKey = await Assert.ThrowsAsync<ClientResultException>(() => Images("sk-wrong").GenerateImageAsync("A kite"));
        Assert.Equal(401, badKey.Status);
        var rich = await fixture.Server.CreateAccountAsync(10_000);
        var unknown = await Assert.ThrowsAsync<ClientResultException>(() => Images(rich.Key, "dall-e-9").GenerateImageAsync("A kite"));
        Assert.Equal(404, unknown.Status);
    }

    [Fact]
    public async Task The_MEAI_OpenAI_adapter_generates_and_edits_through_IImageGenerator()
    {
        var account = await fixture.Server.CreateAccountAsync(10_000);
        IImageGenerator generator = Images(account.Key).AsIImageGenerator();
        var response = await generator.GenerateImagesAsync("A paper boat", new Microsoft.Extensions.AI.ImageGenerationOptions
        {
            Count = 1,
            ImageSize = new System.Drawing.Size(1024, 1536),
            ResponseFormat = ImageGenerationResponseFormat.Data,
        });
        var data = Assert.IsType<DataContent>(Assert.Single(response.Contents));
        Assert.Equal((848, 1264), Png.Size(data.Data.ToArray())); // 2:3

        var edited = await generator.EditImageAsync(new DataContent(TestImages.Png(300, 200), "image/png"), "Add a moon",
            new Microsoft.Extensions.AI.ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Data });
        var editedData = Assert.IsType<DataContent>(Assert.Single(edited.Contents));
        Assert.Equal((1264, 848), Png.Size(editedData.Data.ToArray())); // 3:2 like the input
    }
}
