using System.Drawing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.Client;
using Nanogate.ClientTests.Infrastructure;
using Nanogate.IntegrationTests.Infrastructure;

#pragma warning disable MEAI001 // IImageGenerator is experimental in Microsoft.Extensions.AI 10.x; these tests exercise it on purpose.

namespace Nanogate.ClientTests;

/// <summary>Nanogate's <see cref="IImageGenerator"/> against a real server: each option mapped, edits, failures.</summary>
public sealed class ImageGeneratorTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    [Fact]
    public async Task Count_and_ImageSize_map_to_n_and_the_nearest_ratio()
    {
        var (account, client) = await fixture.ClientAsync();
        using var _ = client;
        var generator = client.AsIImageGenerator();
        var response = await generator.GenerateImagesAsync("A cozy reading nook", new ImageGenerationOptions { Count = 2, ImageSize = new Size(1536, 1024) });

        Assert.Equal(2, response.Contents.Count);
        foreach (var content in response.Contents)
        {
            var data = Assert.IsType<DataContent>(content);
            Assert.Equal("image/png", data.MediaType);
            Assert.Equal((1264, 848), Png.Size(data.Data.ToArray())); // 3:2 at 1K
        }

        var task = Assert.IsType<NanogateTask>(response.RawRepresentation);
        Assert.Contains(task.Warnings, w => w.Contains("3:2", StringComparison.Ordinal));
        Assert.True(response.Usage!.OutputTokenCount > 0);
        Assert.Equal(90, (await account.BalanceAsync()).Charged);
    }

    [Fact]
    public async Task ModelId_and_aspect_ratio_and_resolution_pass_through()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var generator = client.AsIImageGenerator();
        var options = new ImageGenerationOptions
        {
            ModelId = "nano-banana-2",
            AdditionalProperties = new AdditionalPropertiesDictionary { ["aspect_ratio"] = "21:9", ["resolution"] = "512" },
        };
        var response = await generator.GenerateImagesAsync("A panorama", options);
        var task = Assert.IsType<NanogateTask>(response.RawRepresentation);
        Assert.Equal("gemini-3.1-flash-image", task.Model);
        Assert.Equal("21:9", task.Request!.AspectRatio);
        Assert.Equal("512", task.Request.Resolution);
        var data = Assert.IsType<DataContent>(Assert.Single(response.Contents));
        var (width, height) = Png.Size(data.Data.ToArray());
        Assert.Equal((task.Images[0].Width, task.Images[0].Height), (width, height));
        Assert.True(width > height * 2);
    }

    [Fact]
    public async Task ResponseFormat_Uri_answers_signed_links_and_Hosted_the_media_id()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var generator = client.AsIImageGenerator("nano-banana-2-lite");
        var links = await generator.GenerateImagesAsync("A lighthouse", new ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Uri });
        var uri = Assert.IsType<UriContent>(Assert.Single(links.Contents));
        Assert.Contains("/v1/media/med_", uri.Uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("sig=", uri.Uri.Query, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.Equal((1024, 1024), Png.Size(await http.GetByteArrayAsync(uri.Uri)));

        var hosted = await generator.GenerateImagesAsync("A lighthouse", new ImageGenerationOptions { ResponseFormat = ImageGenerationResponseFormat.Hosted });
        Assert.StartsWith("med_", Assert.IsType<HostedFileContent>(Assert.Single(hosted.Contents)).FileId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MediaType_png_is_honoured_and_another_type_is_refused_rather_than_mislabelled()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var generator = client.AsIImageGenerator();
        var png = await generator.GenerateImagesAsync("A teapot", new ImageGenerationOptions { MediaType = "image/png" });
        Assert.Equal("image/png", Assert.IsType<DataContent>(Assert.Single(png.Contents)).MediaType);
        var e = await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateImagesAsync("A teapot", new ImageGenerationOptions { MediaType = "image/jpeg" }));
        Assert.Contains("image/png", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edits_send_the_original_images_as_references()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var generator = client.AsIImageGenerator();
        var original = new DataContent(TestImages.Png(400, 300), "image/png");
        var response = await generator.EditImageAsync(original, "Add a small llama in the corner");
        var task = Assert.IsType<NanogateTask>(response.RawRepresentation);
        Assert.Equal("4:3", task.Request!.AspectRatio); // the reference's ratio
        Assert.Equal((1200, 896), Png.Size(Assert.IsType<DataContent>(Assert.Single(response.Contents)).Data.ToArray()));
    }

    [Fact]
    public async Task A_task_without_images_throws_NanogateTaskFailedException_with_the_task_code()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var generator = client.AsIImageGenerator();
        var e = await Assert.ThrowsAsync<NanogateTaskFailedException>(() => generator.GenerateImagesAsync("Blocked [sim:blocked]"));
        Assert.Equal("content_blocked", e.Code);
        Assert.Equal(NanogateTaskStatus.Failed, e.Task.Status);
    }

    [Fact]
    public async Task Refusals_surface_as_the_clients_typed_exceptions()
    {
        var (_, client) = await fixture.ClientAsync(credits: 1);
        using var _ = client;
        var generator = client.AsIImageGenerator();
        await Assert.ThrowsAsync<NanogateInsufficientCreditsException>(() => generator.GenerateImagesAsync("A kite"));
        var e = await Assert.ThrowsAsync<NanogateNotFoundException>(() => generator.GenerateImagesAsync("A kite", new ImageGenerationOptions { ModelId = "dall-e-9" }));
        Assert.Equal("model_not_found", e.Code);
    }

    [Fact]
    public async Task One_registration_swaps_the_provider_behind_IImageGenerator()
    {
        var account = await fixture.Server.CreateAccountAsync(1_000);
        var services = new ServiceCollection();
        services.AddNanogateClient(o =>
        {
            o.BaseAddress = fixture.Server.BaseAddress;
            o.ApiKey = account.Key;
        });
        services.AddNanogateImageGenerator("nano-banana-2-lite");
        await using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IImageGenerator>();
        Assert.Equal("nanogate", generator.GetService<ImageGeneratorMetadata>()!.ProviderName);
        Assert.NotNull(generator.GetService<NanogateClient>());
        var response = await generator.GenerateImagesAsync("A paper boat");
        Assert.Single(response.Contents);
    }
}
