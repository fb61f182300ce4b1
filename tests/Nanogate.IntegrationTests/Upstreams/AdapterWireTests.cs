using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Nanogate.Core.Requests;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Routing;

namespace Nanogate.IntegrationTests.Upstreams;

/// <summary>Each kind's exact outbound request (URL, headers, credentials, body), as a real loopback server receives it.</summary>
public sealed class AdapterWireTests
{
    private static readonly byte[] Png = TestImages.Png(8, 8);

    [Fact]
    public async Task Gemini_sends_the_prepared_body_byte_for_byte_with_the_key_in_a_header()
    {
        await using var google = await ScriptedUpstream.StartAsync();
        var h = new RouterHarness();
        var request = RouterHarness.Request();

        using var response = await h.Channel("g", "gemini", google.BaseUrl).Channel.GenerateContentAsync(request, CancellationToken.None);

        Assert.True(response.IsSuccess);
        var seen = google.Requests.Single();
        Assert.Equal($"/v1beta/models/{RouterHarness.Model.Id}:generateContent", seen.PathAndQuery);
        Assert.Equal("key-g", seen.Header("x-goog-api-key"));
        Assert.Null(seen.Header("authorization"));
        Assert.Equal(request.Body.ToArray(), seen.Body);
    }

    [Fact]
    public async Task Vertex_with_a_service_account_gets_a_token_from_the_token_endpoint_and_calls_the_regional_url()
    {
        using var rsa = RSA.Create(2048);
        var tokenRequests = new List<string>();
        await using var tokens = await ScriptedUpstream.StartAsync(async context =>
        {
            var form = await context.Request.ReadFormAsync();
            lock (tokenRequests)
            {
                tokenRequests.Add(form["assertion"].ToString());
            }

            await ScriptedUpstream.Json(context, 200, "{\"access_token\":\"ya29.loopback-token\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
        });
        await using var vertex = await ScriptedUpstream.StartAsync();
        var tokenUri = new Uri(tokens.BaseUrl, "token").ToString();
        var key = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "proj-x",
            ["private_key_id"] = "kid-1",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "nanogate@proj-x.iam.gserviceaccount.com",
            ["client_id"] = "123",
            ["token_uri"] = tokenUri,
        }.ToJsonString();
        var h = new RouterHarness();
        var channel = h.Channel("v", "vertex", vertex.BaseUrl, credentials: new ChannelCredentials([], key), settings: new JsonObject { ["location"] = "us-central1" }).Channel;

        for (var i = 0; i < 2; i++)
        {
            using var response = await channel.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);
            Assert.True(response.IsSuccess, response.Failure?.Message);
        }

        // One token for both calls (cached by Google.Apis.Auth), its JWT signed with the service account's key.
        var assertion = Assert.Single(tokenRequests).Split('.');
        Assert.True(rsa.VerifyData(Encoding.ASCII.GetBytes(assertion[0] + "." + assertion[1]), Base64Url(assertion[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        var claims = JsonNode.Parse(Base64Url(assertion[1]))!;
        Assert.Equal("nanogate@proj-x.iam.gserviceaccount.com", claims["iss"]!.GetValue<string>());
        Assert.Equal("https://www.googleapis.com/auth/cloud-platform", claims["scope"]!.GetValue<string>());
        // Google.Apis.Auth posts to the key file's token_uri but keeps Google's audience in the assertion.
        Assert.Equal("https://oauth2.googleapis.com/token", claims["aud"]!.GetValue<string>());

        var seen = vertex.Requests.First();
        Assert.Equal($"/v1/projects/proj-x/locations/us-central1/publishers/google/models/{RouterHarness.Model.Id}:generateContent", seen.PathAndQuery);
        Assert.Equal("Bearer ya29.loopback-token", seen.Header("authorization"));
        Assert.Null(seen.Header("x-goog-api-key"));
    }

    [Fact]
    public async Task Vertex_refused_by_the_token_endpoint_is_an_unauthorized_channel()
    {
        using var rsa = RSA.Create(2048);
        await using var tokens = await ScriptedUpstream.StartAsync(context => ScriptedUpstream.Json(context, 400, "{\"error\":\"invalid_grant\"}"));
        await using var vertex = await ScriptedUpstream.StartAsync();
        var key = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "p",
            ["private_key_id"] = "k",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "x@p.iam.gserviceaccount.com",
            ["token_uri"] = new Uri(tokens.BaseUrl, "token").ToString(),
        }.ToJsonString();
        var h = new RouterHarness();

        using var response = await h.Channel("v", "vertex", vertex.BaseUrl, credentials: new ChannelCredentials([], key)).Channel.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);

        Assert.Equal(UpstreamFailureKind.Unauthorized, response.Failure!.Kind);
        Assert.Equal(0, vertex.Calls);
    }

    [Fact]
    public async Task Vertex_express_mode_uses_the_publisher_url_and_adds_the_role_vertex_requires()
    {
        await using var vertex = await ScriptedUpstream.StartAsync();
        var h = new RouterHarness();
        var body = "{\"contents\":[{\"parts\":[{\"text\":\"a banana\"}]}],\"generationConfig\":{\"responseModalities\":[\"IMAGE\"]}}"u8.ToArray();
        var request = new UpstreamRequest(RouterHarness.Model.Id, body, "req_x") { CatalogModel = RouterHarness.Model };

        var stream = await h.Channel("vx", "vertex", vertex.BaseUrl, credentials: new ChannelCredentials([new ChannelKey("express-key")])).Channel.StreamGenerateContentAsync(request, CancellationToken.None);
        await stream.DisposeAsync();

        var seen = vertex.Requests.Single();
        Assert.Equal($"/v1/publishers/google/models/{RouterHarness.Model.Id}:streamGenerateContent?alt=sse", seen.PathAndQuery);
        Assert.Equal("express-key", seen.Header("x-goog-api-key"));
        var sent = JsonNode.Parse(seen.Body)!;
        Assert.Equal("user", sent["contents"]![0]!["role"]!.GetValue<string>());
        Assert.Equal("IMAGE", sent["generationConfig"]!["responseModalities"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenAi_images_posts_a_generation_with_bearer_auth_and_decodes_b64_json()
    {
        await using var platform = await ScriptedUpstream.StartAsync(context =>
            ScriptedUpstream.Json(context, 200, $"{{\"created\":1,\"data\":[{{\"b64_json\":\"{Convert.ToBase64String(Png)}\",\"revised_prompt\":\"a ripe banana\"}}]}}"));
        var h = new RouterHarness();
        var channel = h.Channel("oa", "openai-images", new Uri(platform.BaseUrl, "openai"), credentials: new ChannelCredentials([new ChannelKey("sk-relay")])).Channel;

        using var response = await channel.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);

        Assert.True(response.IsSuccess, response.Failure?.Message);
        Assert.Equal(Png, response.Summary!.FinalImage!.Data);
        Assert.Equal("a ripe banana", response.Summary.Text);
        var seen = platform.Requests.Single();
        Assert.Equal("POST", seen.Method);
        Assert.Equal("/openai/v1/images/generations", seen.PathAndQuery);
        Assert.Equal("Bearer sk-relay", seen.Header("authorization"));
        var body = JsonNode.Parse(seen.Body)!.AsObject();
        Assert.Equal(RouterHarness.Model.Id, body["model"]!.GetValue<string>());
        Assert.Equal("a banana", body["prompt"]!.GetValue<string>());
        Assert.Equal(1, body["n"]!.GetValue<int>());
        Assert.Equal("1024x1024", body["size"]!.GetValue<string>());
        Assert.Equal("b64_json", body["response_format"]!.GetValue<string>());
        Assert.Equal("1:1", body["aspect_ratio"]!.GetValue<string>());
        Assert.Equal("1K", body["resolution"]!.GetValue<string>());

        // And a Gemini caller gets a Gemini answer made from it.
        var gemini = JsonNode.Parse(response.Body.Span)!;
        Assert.Equal(Convert.ToBase64String(Png), gemini["candidates"]![0]!["content"]!["parts"]![1]!["inlineData"]!["data"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenAi_images_sends_references_as_a_multipart_edit_and_downloads_a_url_result()
    {
        ScriptedUpstream? platform = null;
        platform = await ScriptedUpstream.StartAsync(async context =>
        {
            if (context.Request.Path == "/files/out.png")
            {
                context.Response.ContentType = "image/png";
                await context.Response.Body.WriteAsync(Png);
                return;
            }

            await ScriptedUpstream.Json(context, 200, "{\"created\":1,\"data\":[{\"url\":\"/files/out.png\"}]}");
        });
        await using var _ = platform;
        var h = new RouterHarness();
        var channel = h.Channel("oa", "openai-images", platform.BaseUrl, credentials: new ChannelCredentials([new ChannelKey("sk-relay")]), settings: new JsonObject { ["response_format"] = "url" }).Channel;
        var reference = new ReferenceImage(Png, "image/png", 8, 8);

        using var response = await channel.GenerateContentAsync(RouterHarness.Request("make it blue", [reference]), CancellationToken.None);

        Assert.True(response.IsSuccess, response.Failure?.Message);
        Assert.Equal(Png, response.Summary!.FinalImage!.Data);
        var edit = platform.Requests.First();
        Assert.Equal("/v1/images/edits", edit.PathAndQuery);
        Assert.StartsWith("multipart/form-data", edit.Header("content-type"), StringComparison.Ordinal);
        Assert.Contains("name=\"image[]\"", edit.Text, StringComparison.Ordinal);
        Assert.Contains("make it blue", edit.Text, StringComparison.Ordinal);
        Assert.Contains("url", edit.Text, StringComparison.Ordinal);
        Assert.Equal("/files/out.png", platform.Requests.Last().PathAndQuery);
    }

    [Fact]
    public async Task OpenAi_images_content_policy_refusal_is_a_block_not_a_failure()
    {
        await using var platform = await ScriptedUpstream.StartAsync(context =>
            ScriptedUpstream.Json(context, 400, "{\"error\":{\"message\":\"rejected by the safety system\",\"type\":\"invalid_request_error\",\"code\":\"content_policy_violation\"}}"));
        var h = new RouterHarness();

        using var response = await h.Channel("oa", "openai-images", platform.BaseUrl).Channel.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);

        Assert.True(response.IsSuccess);
        Assert.Equal("IMAGE_SAFETY", response.Summary!.FinishReason);
    }

    [Fact]
    public async Task Task_relay_submits_polls_the_poll_url_with_its_key_and_downloads_the_image()
    {
        var polls = 0;
        await using var platform = await ScriptedUpstream.StartAsync(async context =>
        {
            switch (context.Request.Method, context.Request.Path.Value)
            {
                case ("POST", "/api/v1/images/generations"):
                    await ScriptedUpstream.Json(context, 202, "{\"task_id\":\"task_1\",\"status\":\"pending\",\"poll_url\":\"/api/v1/tasks/task_1\"}");
                    break;
                case ("GET", "/api/v1/tasks/task_1"):
                    await ScriptedUpstream.Json(context, 200, Interlocked.Increment(ref polls) < 3
                        ? "{\"task_id\":\"task_1\",\"status\":\"running\"}"
                        : "{\"task_id\":\"task_1\",\"status\":\"succeeded\",\"images\":[{\"index\":0,\"status\":\"succeeded\",\"url\":\"/media/1.png\"}]}");
                    break;
                case ("GET", "/media/1.png"):
                    context.Response.ContentType = "image/png";
                    await context.Response.Body.WriteAsync(Png);
                    break;
                default:
                    context.Response.StatusCode = 404;
                    break;
            }
        });
        var h = new RouterHarness();
        var channel = h.Channel("tr", "task-relay", new Uri(platform.BaseUrl, "api"), credentials: new ChannelCredentials([new ChannelKey("sk-seed")]), settings: new JsonObject { ["poll_interval_ms"] = 20 }).Channel;

        using var response = await channel.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);

        Assert.True(response.IsSuccess, response.Failure?.Message);
        Assert.Equal(Png, response.Summary!.FinalImage!.Data);
        var requests = platform.Requests.ToList();
        Assert.Equal(["POST /api/v1/images/generations", "GET /api/v1/tasks/task_1", "GET /api/v1/tasks/task_1", "GET /api/v1/tasks/task_1", "GET /media/1.png"], requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
        Assert.All(requests.Take(4), r => Assert.Equal("Bearer sk-seed", r.Header("authorization")));
        Assert.Null(requests[4].Header("authorization"));
        var submitted = JsonNode.Parse(requests[0].Body)!.AsObject();
        Assert.Equal(RouterHarness.Model.Id, submitted["model"]!.GetValue<string>());
        Assert.Equal("a banana", submitted["prompt"]!.GetValue<string>());
        Assert.Equal("1:1", submitted["aspect_ratio"]!.GetValue<string>());
        Assert.Equal("1K", submitted["resolution"]!.GetValue<string>());
        Assert.Equal(1, submitted["n"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("{\"task_id\":\"t\",\"status\":\"failed\",\"error\":{\"code\":\"content_blocked\",\"message\":\"no\"}}", null, "IMAGE_SAFETY")]
    [InlineData("{\"task_id\":\"t\",\"status\":\"failed\",\"error\":{\"code\":\"upstream_unavailable\",\"message\":\"down\"}}", UpstreamFailureKind.Unavailable, null)]
    [InlineData("{\"task_id\":\"t\",\"status\":\"failed\",\"error\":{\"code\":\"invalid_request\",\"message\":\"bad\"}}", UpstreamFailureKind.InvalidRequest, null)]
    [InlineData("{\"task_id\":\"t\",\"status\":\"succ", UpstreamFailureKind.Malformed, null)]
    public async Task Task_relay_maps_how_a_task_ends(string status, UpstreamFailureKind? failure, string? finishReason)
    {
        await using var platform = await ScriptedUpstream.StartAsync(context => context.Request.Method == "POST"
            ? ScriptedUpstream.Json(context, 202, "{\"task_id\":\"t\",\"status\":\"pending\"}")
            : ScriptedUpstream.Json(context, 200, status));
        var h = new RouterHarness();

        using var response = await h.Channel("tr", "task-relay", platform.BaseUrl, settings: new JsonObject { ["poll_interval_ms"] = 10 }).Channel.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);

        Assert.Equal(failure, response.Failure?.Kind);
        Assert.Equal(finishReason, response.Summary?.FinishReason);
        Assert.Equal("/v1/tasks/t", platform.Requests.Last().PathAndQuery);
    }

    [Fact]
    public async Task Task_relay_never_follows_a_poll_url_to_another_host()
    {
        await using var elsewhere = await ScriptedUpstream.StartAsync();
        await using var platform = await ScriptedUpstream.StartAsync(context =>
            ScriptedUpstream.Json(context, 202, $"{{\"task_id\":\"t\",\"status\":\"pending\",\"poll_url\":\"{elsewhere.BaseUrl}v1/tasks/t\"}}"));
        var h = new RouterHarness();

        using var response = await h.Channel("tr", "task-relay", platform.BaseUrl).Channel.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);

        Assert.Equal(UpstreamFailureKind.Malformed, response.Failure!.Kind);
        Assert.Equal(0, elsewhere.Calls);
    }

    private static byte[] Base64Url(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4));
}
