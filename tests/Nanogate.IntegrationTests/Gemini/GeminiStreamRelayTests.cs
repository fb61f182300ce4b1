using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;
using static Nanogate.IntegrationTests.Gemini.GeminiDialectTests;

namespace Nanogate.IntegrationTests.Gemini;

/// <summary>
/// streamGenerateContent relayed as it arrives: an event's bytes reach the caller while the upstream still sends it,
/// its end (SSE's blank line, the array's next separator) only once it proved valid, and an event that breaks midway
/// aborts the response. The simulator's <c>[sim:stall:MS]</c>, <c>[sim:cut]</c> and <c>[sim:corrupt]</c> markers
/// break the final image's event in its middle (the text event before it is whole).
/// </summary>
public sealed class GeminiStreamRelayTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private NanogateServer Server => fixture.Server;

    private static string Path(bool sse) => "/v1beta/models/nano-banana-2-lite:streamGenerateContent" + (sse ? "?alt=sse" : "");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_image_event_reaches_the_caller_while_the_upstream_is_still_sending_it(bool sse)
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        using (var request = new HttpRequestMessage(HttpMethod.Post, Path(sse)) { Content = JsonContent.Create(Body("a fox [sim:stall:120000]")) })
        using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            // The upstream stalls for two minutes in the middle of the image's event: a gateway that relayed whole
            // events could not send any of the image now.
            await using var body = await response.Content.ReadAsStreamAsync();
            var received = new MemoryStream();
            var buffer = new byte[64 * 1024];
            while (ImageBytes(received) < 256 * 1024)
            {
                var n = await body.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(n > 0, "the stream ended early");
                received.Write(buffer, 0, n);
            }

            var text = Encoding.UTF8.GetString(received.ToArray());
            var image = text.IndexOf("\"inlineData\"", StringComparison.Ordinal);
            Assert.StartsWith(sse ? "data: {" : "[{", text, StringComparison.Ordinal);
            Assert.DoesNotContain(sse ? "\r\n\r\n" : ",\r\n", text[image..], StringComparison.Ordinal);
            Assert.True((await account.BalanceAsync()).Reserved > 0, "nothing is settled while the stream is open");
        }

        // The caller left inside the image's event: billed for the events it received (the text), not the image.
        var balance = await account.SettledBalanceAsync();
        Assert.Equal(0, balance.Reserved);
        Assert.True(balance.Charged < 5, $"no image was delivered, yet {balance.Charged} credits were charged");
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Theory]
    [InlineData("[sim:cut]", true)]
    [InlineData("[sim:corrupt]", true)]
    [InlineData("[sim:cut]", false)]
    [InlineData("[sim:corrupt]", false)]
    public async Task An_event_that_breaks_midway_aborts_the_response_and_bills_only_the_whole_events(string marker, bool sse)
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, Path(sse)) { Content = JsonContent.Create(Body($"a fox {marker}")) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // Part of the image's event is with the caller: the rest can only be a broken stream, and the event never
        // gets its end, so no client takes it (or the array) for whole.
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = new MemoryStream();
        var failure = await Record.ExceptionAsync(() => body.CopyToAsync(received));
        Assert.True(failure is HttpRequestException or IOException, $"expected a broken body, got {failure?.GetType().Name ?? "a complete one"}");
        var text = Encoding.UTF8.GetString(received.ToArray());
        Assert.Contains("\"inlineData\"", text, StringComparison.Ordinal);
        if (sse)
        {
            var events = text.Split("\r\n\r\n");
            Assert.True(events.Length >= 2, "the text event came whole before the image's");
            Assert.All(events[..^1], e => Assert.NotNull(JsonNode.Parse(e["data: ".Length..])));
            Assert.DoesNotContain(events[..^1], e => e.Contains("\"inlineData\"", StringComparison.Ordinal));
            Assert.Contains("\"inlineData\"", events[^1], StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith("[{", text, StringComparison.Ordinal);
            Assert.ThrowsAny<JsonException>(() => JsonNode.Parse(text));
        }

        var balance = await account.SettledBalanceAsync();
        Assert.Equal(0, balance.Reserved);
        Assert.True(balance.Charged < 5, $"no image was delivered, yet {balance.Charged} credits were charged");
        Assert.Equal(1_000, balance.Available + balance.Charged);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task A_short_stall_delays_nothing_but_the_image_and_the_stream_is_whole_and_billed()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await client.PostAsJsonAsync(Path(sse: true), Body("a boat [sim:stall:300]", "4:3"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var events = text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries).Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        Assert.Equal("STOP", events[^1]["candidates"]![0]!["finishReason"]!.GetValue<string>());

        // As the unstalled stream (GeminiBillingAndFaultTests): the Lite 4:3 1K price.
        var balance = await account.BalanceAsync();
        Assert.Equal((955L, 0L, 45L), (balance.Available, balance.Reserved, balance.Charged));
    }

    /// <summary>Bytes received after the image part began (0 before).</summary>
    private static long ImageBytes(MemoryStream received)
    {
        var at = received.GetBuffer().AsSpan(0, (int)received.Length).IndexOf("\"inlineData\""u8);
        return at < 0 ? 0 : received.Length - at;
    }
}
