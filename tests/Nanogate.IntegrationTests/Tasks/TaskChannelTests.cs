using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Tasks;

/// <summary>Which upstream channel made each task image: on the image in the task JSON and in the usage report.</summary>
public sealed class TaskChannelTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Each_image_names_the_channel_that_made_it_and_usage_counts_images_per_channel()
    {
        var server = fixture.Server;
        var before = await ChannelImagesAsync(server, "simulator");
        var account = await server.CreateAccountAsync(1000);
        using var client = account.Client();
        var accepted = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "which channel", n = 2 });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var task = await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(accepted))["task_id"]!.GetValue<string>());

        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        Assert.All(task["images"]!.AsArray(), image => Assert.Equal("simulator", image!["channel"]!.GetValue<string>()));
        Assert.Equal(before.Images + 2, (await ChannelImagesAsync(server, "simulator")).Images);

        // A synchronous Gemini request counts for the channel that served it, with its charge.
        using var gemini = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/nano-banana-2-lite:generateContent")
        {
            Content = JsonContent.Create(JsonNode.Parse("""{"contents":[{"parts":[{"text":"sync channel"}]}],"generationConfig":{"responseModalities":["IMAGE"]}}""")),
        };
        var chargedBefore = (await account.BalanceAsync()).Charged;
        using var answer = await client.SendAsync(gemini);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("simulator", answer.Headers.GetValues("x-nanogate-channel").Single());
        var charged = (await account.BalanceAsync()).Charged - chargedBefore;
        Assert.True(charged > 0);
        var after = await ChannelImagesAsync(server, "simulator");
        Assert.Equal(before.Requests + 1, after.Requests);
        Assert.Equal(before.Charged + 90 + charged, after.Charged);
    }

    private static async Task<(long Images, long Requests, long Charged)> ChannelImagesAsync(NanogateServer server, string channel)
    {
        var usage = (await server.Admin.GetFromJsonAsync<JsonObject>("/admin/v1/usage"))!;
        return usage["by_channel"]!.AsArray().Where(c => c!["channel"]!.GetValue<string>() == channel)
            .Select(c => (c!["task_images_succeeded"]!.GetValue<long>(), c["requests"]!.GetValue<long>(), c["credits_charged"]!.GetValue<long>())).SingleOrDefault();
    }
}
