using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Gemini;

public class GeminiUrlDeliveryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Generate = "/v1beta/models/nano-banana-2-lite:generateContent";

    private NanogateServer Server => fixture.Server;

    private static JsonArray Parts(JsonObject response) => response["candidates"]![0]!["content"]!["parts"]!.AsArray();

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string? delivery, string ratio = "16:9")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(GeminiDialectTests.Body("a lighthouse", ratio, modalities: ["IMAGE"])) };
        if (delivery is not null)
        {
            request.Headers.Add("x-nanogate-image-delivery", delivery);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Url_delivery_replaces_inline_data_with_a_signed_file_uri_and_keeps_the_thought_signature()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await PostAsync(client, Generate, "url");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.DoesNotContain(Parts(json), p => p!["inlineData"] is not null);
        var part = Parts(json).Single(p => p!["fileData"] is not null)!;
        Assert.Equal("image/png", part["fileData"]!["mimeType"]!.GetValue<string>());
        Assert.NotNull(part["thoughtSignature"]);
        Assert.NotNull(json["usageMetadata"]);

        var image = await Server.Client.GetAsync(new Uri(part["fileData"]!["fileUri"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal((1376, 768), Png.Size(await image.Content.ReadAsByteArrayAsync()));
        Assert.Equal(45, (long)(1_000 - (await account.BalanceAsync()).Available));
    }

    [Fact]
    public async Task The_keys_default_applies_and_the_header_overrides_it()
    {
        var account = await Server.CreateAccountAsync(1_000);
        var patch = await Server.Admin.PatchAsJsonAsync($"/admin/v1/keys/{account.KeyId}", new { image_delivery = "url" });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        using var client = account.Client();

        var byDefault = (await (await PostAsync(client, Generate, null)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(Parts(byDefault), p => p!["fileData"] is not null);

        var inline = (await (await PostAsync(client, Generate, "inline")).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains(Parts(inline), p => p!["inlineData"] is not null);
        Assert.DoesNotContain(Parts(inline), p => p!["fileData"] is not null);
    }

    [Fact]
    public async Task Streams_deliver_urls_too()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await PostAsync(client, "/v1beta/models/nano-banana-2-lite:streamGenerateContent?alt=sse", "url", "1:1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"fileData\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"inlineData\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_delivery_is_400_and_charges_nothing()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var body = await GeminiDialectTests.ErrorOf(await PostAsync(client, Generate, "carrier-pigeon"), 400, "INVALID_ARGUMENT");
        Assert.Contains("x-nanogate-image-delivery", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000, (await account.BalanceAsync()).Available);
    }
}
