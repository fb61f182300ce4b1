using System.Collections.Concurrent;
using Nanogate.Client;
using Nanogate.ClientTests.Examples;
using Nanogate.ClientTests.Infrastructure;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.ClientTests;

/// <summary>The C# examples of docs/clients.md run against a real server, and the page holds each file exactly.</summary>
public sealed class DocsExamplesTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    public static TheoryData<string> ExampleFiles => new() { "ClientExample.cs", "ImageGeneratorExample.cs", "WebhookExample.cs", "cli.sh" };

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void The_docs_show_each_example_file_exactly(string file)
    {
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "clients.md")).ReplaceLineEndings("\n");
        var example = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Nanogate.ClientTests", "Examples", file)).ReplaceLineEndings("\n").TrimEnd();
        var fence = file.EndsWith(".sh", StringComparison.Ordinal) ? "sh" : "csharp";
        Assert.True(docs.Contains($"```{fence}\n{example}\n```", StringComparison.Ordinal),
            $"docs/clients.md does not show tests/Nanogate.ClientTests/Examples/{file} exactly (copy the file into a ```{fence} block)");
    }

    [Fact]
    public async Task The_client_example_saves_two_16_9_images()
    {
        var account = await fixture.Server.CreateAccountAsync(10_000);
        var folder = Directory.CreateTempSubdirectory("ng-example-").FullName;
        try
        {
            var files = await ClientExample.RunAsync(fixture.Server.BaseAddress, account.Key, folder);
            Assert.Equal(2, files.Count);
            Assert.All(files, f => Assert.Equal((1376, 768), Png.Size(File.ReadAllBytes(f))));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_image_generator_example_generates_and_edits()
    {
        var account = await fixture.Server.CreateAccountAsync(10_000);
        var (generated, edited) = await ImageGeneratorExample.RunAsync(fixture.Server.BaseAddress, account.Key);
        Assert.Equal((1264, 848), Png.Size(generated.Data.ToArray()));
        Assert.Equal((1264, 848), Png.Size(edited.Data.ToArray())); // the edit keeps the original's 3:2
        Assert.NotEqual(generated.Data.ToArray(), edited.Data.ToArray());
    }

    [Fact]
    public async Task The_webhook_example_verifies_a_live_delivery_and_refuses_a_forged_one()
    {
        var account = await fixture.Server.CreateAccountAsync(10_000);
        using var client = new NanogateClient(fixture.Server.BaseAddress, account.Key);
        var events = new ConcurrentQueue<TaskEvent>();
        var secret = await client.GetWebhookSecretAsync();
        await using var receiver = await LoopbackServer.StartAsync(app => app.MapNanogateWebhooks(secret, events.Enqueue));

        var task = await client.GenerateAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "A heron", CallbackUrl = receiver.Address + "/webhooks/nanogate" });
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (events.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(events.TryDequeue(out var received), "no verified webhook within 30 s");
        Assert.Equal("task.succeeded", received.Type);
        Assert.Equal(task.TaskId, received.Data.TaskId);

        using var http = new HttpClient();
        using var forged = new HttpRequestMessage(HttpMethod.Post, receiver.Address + "/webhooks/nanogate") { Content = new StringContent("{\"type\":\"task.succeeded\"}") };
        forged.Headers.Add("webhook-id", "msg_forged");
        forged.Headers.Add("webhook-timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        forged.Headers.Add("webhook-signature", "v1,bm9wZQ==");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.SendAsync(forged)).StatusCode);
    }
}
