using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Nanogate.IntegrationTests.Hostile;

/// <summary>
/// A hostile-input corpus over every mapped route: each case must be answered with a 4xx (or a 2xx where the input
/// is merely odd) carrying a JSON error body, never a 5xx or a dropped connection, and the process stays up.
/// The routes are read from the running server's endpoint table, so a new route is covered without listing it here.
/// </summary>
public sealed class HostileInputTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private static readonly string[] BadIds =
    [
        "..%2F..%2Fetc%2Fpasswd", "%00", "task_" + new string('x', 5000), "%E2%80%AE", "%C0%AF", "'%20OR%201=1--", "%25",
    ];

    private static readonly (string Name, byte[] Body, string ContentType)[] BadBodies =
    [
        ("not json", "nonsense{"u8.ToArray(), "application/json"),
        ("truncated", """{"model":"nano-banana-2-lite","prompt":"a"""u8.ToArray(), "application/json"),
        ("array", "[1,2,3]"u8.ToArray(), "application/json"),
        ("string", "\"hello\""u8.ToArray(), "application/json"),
        ("null", "null"u8.ToArray(), "application/json"),
        ("duplicate keys", """{"model":"nano-banana-2-lite","model":"x","prompt":"a","prompt":"b","contents":[],"contents":[]}"""u8.ToArray(), "application/json"),
        ("invalid utf-8", [.. "{\"prompt\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\",\"model\":\"nano-banana-2-lite\"}"u8.ToArray()], "application/json"),
        ("lone surrogate", """{"prompt":"\uD800 alone","model":"nano-banana-2-lite","name":"\uDC00","contents":[{"parts":[{"text":"\uD83D"}]}]}"""u8.ToArray(), "application/json"),
        ("deep nesting", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)), "application/json"),
        ("deep object", Encoding.UTF8.GetBytes("{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 3000)) + "1" + new string('}', 3001)), "application/json"),
        ("wrong types", """{"model":42,"prompt":["a"],"n":"2","size":{},"contents":"x","credits":"many","name":7,"kind":false,"image_urls":"x"}"""u8.ToArray(), "application/json"),
        ("huge number", """{"model":"nano-banana-2-lite","prompt":"a","n":1e400,"credits":99999999999999999999999999999,"priority":-1e308}"""u8.ToArray(), "application/json"),
        ("overflowing credits", """{"credits":9223372036854775807}"""u8.ToArray(), "application/json"),
        ("huge string", Encoding.UTF8.GetBytes("{\"model\":\"nano-banana-2-lite\",\"prompt\":\"" + new string('a', 2_000_000) + "\",\"name\":\"" + new string('b', 100_000) + "\"}"), "application/json"),
        ("bad base64", """{"model":"nano-banana-2-lite","prompt":"a","image_urls":["data:image/png;base64,@@@notbase64@@@"],"contents":[{"parts":[{"inlineData":{"mimeType":"image/png","data":"!!!"}}]}]}"""u8.ToArray(), "application/json"),
        ("lying image", Encoding.UTF8.GetBytes("{\"model\":\"nano-banana-2-lite\",\"prompt\":\"a\",\"image_urls\":[\"data:image/png;base64," + Convert.ToBase64String("GIF89a not a png at all"u8.ToArray()) + "\"]}"), "application/json"),
        ("truncated png", Encoding.UTF8.GetBytes("{\"model\":\"nano-banana-2-lite\",\"prompt\":\"a\",\"image_urls\":[\"data:image/png;base64," + Convert.ToBase64String(TestImages.Png(64, 64)[..60]) + "\"]}"), "application/json"),
        ("png bomb header", Encoding.UTF8.GetBytes("{\"model\":\"nano-banana-2-lite\",\"prompt\":\"a\",\"image_urls\":[\"data:image/png;base64," + Convert.ToBase64String(PngHeader(1_000_000, 1_000_000)) + "\"]}"), "application/json"),
        ("form instead of json", "model=x&prompt=y"u8.ToArray(), "application/x-www-form-urlencoded"),
        ("empty", [], "application/json"),
        ("multipart wrong boundary", "--other\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na\r\n--other--\r\n"u8.ToArray(), "multipart/form-data; boundary=expected"),
        ("multipart cut off", "--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG"u8.ToArray(), "multipart/form-data; boundary=b"),
        ("multipart no boundary", "--b\r\n\r\n"u8.ToArray(), "multipart/form-data"),
    ];

    private static readonly string[] BadQueries =
    [
        "?limit=-1", "?limit=abc", "?limit=99999999999999999999", "?status=%00", "?after=..%2F..", "?since=notatime", "?exp=abc&sig=%FF", "?alt=xml", "?key=" + new string('k', 10_000),
    ];

    [Fact]
    public async Task No_hostile_input_on_any_route_gets_a_5xx_or_a_body_that_is_not_a_json_error()
    {
        var server = fixture.Server;
        var account = await server.CreateAccountAsync(10_000);
        var routes = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: e.RoutePattern.RawText ?? "", Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"]))
            .Where(r => !r.Pattern.StartsWith("/simulator", StringComparison.Ordinal))
            .ToList();
        Assert.True(routes.Count > 25, $"only {routes.Count} routes found");

        var failures = new List<string>();
        var cases = 0;
        foreach (var (pattern, methods) in routes)
        {
            foreach (var auth in new[] { "user", "admin", "none" })
            {
                foreach (var method in methods.Concat(["PUT"]).Distinct())
                {
                    foreach (var path in Paths(pattern))
                    {
                        // A method the route does not have is refused before its body is read: one body tells.
                        var bodies = !methods.Contains(method) ? BadBodies[..1] : method is "POST" or "PATCH" ? BadBodies : [("none", Array.Empty<byte>(), "")];
                        foreach (var (name, body, type) in bodies)
                        {
                            cases++;
                            await CheckAsync(server, account, auth, method, path, body, type, $"{method} {path} [{auth}] {name}", failures);
                        }
                    }

                    if (method == "GET")
                    {
                        foreach (var query in BadQueries)
                        {
                            cases++;
                            await CheckAsync(server, account, auth, method, Paths(pattern).First() + query, [], "", $"GET {pattern}{query} [{auth}]", failures);
                        }
                    }
                }
            }
        }

        // Header injection and odd headers on a few central routes.
        foreach (var (header, value) in new[] { ("Idempotency-Key", new string('i', 10_000)), ("Prefer", "wait=99999999999999999999"), ("Prefer", "wait=-5"), ("x-goog-api-key", "sk-\u0001\u0002"), ("Authorization", "Bearer " + new string('k', 20_000)), ("x-nanogate-image-delivery", "ftp") })
        {
            foreach (var path in new[] { "/v1/images/generations", "/v1beta/models/nano-banana-2-lite:generateContent", "/openai/v1/images/generations" })
            {
                cases++;
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("""{"model":"nano-banana-2-lite","prompt":"a","contents":[{"parts":[{"text":"a"}]}]}""", Encoding.UTF8, "application/json") };
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + account.Key);
                request.Headers.Remove(header);
                request.Headers.TryAddWithoutValidation(header, value);
                await CheckResponseAsync(server, request, $"POST {path} with {header}", failures, allowSuccess: true);
            }
        }

        output.WriteLine($"hostile input: {cases} cases over {routes.Count} routes, {failures.Count} failures");
        Assert.True((await server.Client.GetAsync("/healthz")).IsSuccessStatusCode, "the server went down");
        // Grouped by what went wrong (the text after the route), with one example each.
        var groups = failures.GroupBy(f => System.Text.RegularExpressions.Regex.Replace(f[(f.IndexOf(": ", StringComparison.Ordinal) + 2)..], "[0-9a-f]{8,}|req_\\w+|task_\\w+", "…"))
            .OrderByDescending(g => g.Count()).Select(g => $"{g.Count()}× {Short(g.Key)}\n    e.g. {Short(g.First())}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases failed:\n" + string.Join("\n", groups.Take(40)));
    }

    private static async Task CheckAsync(NanogateServer server, TestAccount account, string auth, string method, string path, byte[] body, string type, string label, List<string> failures)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PATCH" or "PUT")
        {
            request.Content = new ByteArrayContent(body);
            if (type.Length > 0)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        if (auth != "none")
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", auth == "admin" ? NanogateServer.AdminKey : account.Key);
        }

        await CheckResponseAsync(server, request, label, failures, allowSuccess: true);
    }

    private static async Task CheckResponseAsync(NanogateServer server, HttpRequestMessage request, string label, List<string> failures, bool allowSuccess)
    {
        HttpResponseMessage response;
        try
        {
            response = await server.Client.SendAsync(request);
        }
        catch (HttpRequestException) when (request.RequestUri!.OriginalString.Contains("%00", StringComparison.Ordinal))
        {
            // Kestrel answered 400 to the NUL in the path and closed while a large body was still being sent.
            return;
        }
        catch (HttpRequestException e)
        {
            failures.Add($"{label}: connection failed ({e.Message})");
            return;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status >= 500 || (!allowSuccess && status < 400))
            {
                failures.Add($"{label}: {status} {Short(await response.Content.ReadAsStringAsync())}");
                return;
            }

            if (status >= 400)
            {
                var text = await response.Content.ReadAsStringAsync();
                if (text.Length == 0 && ProtocolRejection(request, status))
                {
                    // Kestrel refuses these before any application code runs (so without a body): a NUL in the
                    // path, or a request line past its limit. Nothing of ours can add a body there.
                    return;
                }

                if (!IsJsonError(text))
                {
                    failures.Add($"{label}: {status} without a JSON error body: '{Short(text)}'");
                }
            }
        }
    }

    private static bool ProtocolRejection(HttpRequestMessage request, int status) =>
        (status == 400 && request.RequestUri!.OriginalString.Contains("%00", StringComparison.Ordinal))
        || (status == 414 && request.RequestUri!.OriginalString.Length > 8192);

    private static bool IsJsonError(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject o && o["error"] is JsonObject e && (e["message"] is not null);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static IEnumerable<string> Paths(string pattern)
    {
        if (!pattern.Contains('{', StringComparison.Ordinal))
        {
            yield return pattern;
            yield break;
        }

        foreach (var id in BadIds)
        {
            var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{[^}]+\}", id);
            yield return path.Replace("**", "", StringComparison.Ordinal);
        }
    }

    private static string Short(string text) => text.Length > 200 ? text[..200] + "…" : text;

    private static byte[] PngHeader(int width, int height)
    {
        var png = TestImages.Png(8, 8);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        return png;
    }
}
