using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Admin;

public sealed class AdminChannelTests
{
    private static JsonObject Channel(JsonObject list, string name) =>
        list["data"]!.AsArray().Single(c => c!["name"]!.GetValue<string>() == name)!.AsObject();

    [Fact]
    public async Task A_channel_added_through_the_api_serves_calls_survives_a_restart_and_can_be_deleted()
    {
        var dir = Path.Combine(Path.GetTempPath(), "nanogate-tests", Guid.NewGuid().ToString("N"));
        string accountKey;
        await using (var server = await NanogateServer.StartAsync($"Storage:DataDirectory={dir}", "Bootstrap:DemoKey=sk-channel-demo"))
        {
            accountKey = "sk-channel-demo";

            // Another "Gemini" channel: this server's own simulator mount, with a priority ahead of the built-in one.
            var created = await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "project-b", base_url = new Uri(server.BaseAddress, "simulator").ToString(), api_key = "google-key-b", priority = 1 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var listed = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal("gemini", Channel(listed, "project-b")["kind"]!.GetValue<string>());
            Assert.DoesNotContain("google-key-b", listed.ToJsonString(), StringComparison.Ordinal);

            using var client = new HttpClient { BaseAddress = server.BaseAddress };
            client.DefaultRequestHeaders.Add("x-goog-api-key", accountKey);
            var served = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body("via project b"));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("gemini", served.Headers.GetValues("x-nanogate-upstream").Single());

            Assert.Equal(HttpStatusCode.Conflict, (await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "project-b", api_key = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "no key" })).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "bad-url", api_key = "x", base_url = "ftp://x" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await server.Admin.PatchAsJsonAsync("/admin/v1/channels/project-b", new { enabled = false })).StatusCode);
        }

        await using (var restarted = await NanogateServer.StartAsync($"Storage:DataDirectory={dir}"))
        {
            var list = (await restarted.Admin.GetFromJsonAsync<JsonObject>("/admin/v1/channels"))!;
            Assert.False(Channel(list, "project-b")["enabled"]!.GetValue<bool>());

            Assert.Equal(HttpStatusCode.Conflict, (await restarted.Admin.DeleteAsync("/admin/v1/channels/simulator")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await restarted.Admin.DeleteAsync("/admin/v1/channels/project-b")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await restarted.Admin.DeleteAsync("/admin/v1/channels/project-b")).StatusCode);
            var after = (await restarted.Admin.GetFromJsonAsync<JsonObject>("/admin/v1/channels"))!;
            Assert.DoesNotContain(after["data"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "project-b");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await TestStorage.DropAsync(dir);
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
