using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Nanogate.Client;
using Nanogate.ClientTests.Infrastructure;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.ClientTests;

/// <summary>The Standard Webhooks verifier: the spec's known-answer vector, the failure cases, and a live delivery from the server.</summary>
public sealed class WebhookVerifierTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    // The known-answer vector of the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks,
    // libraries/csharp/StandardWebhooks.Tests/WebhookTest.cs, verifyWebhookSignWorks; the same in every language's tests).
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MsgId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Body = "{\"test\": 2432232314}";
    private const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static FakeTimeProvider At(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

    private static Dictionary<string, string> Headers(string signature = Signature, long timestamp = Timestamp) => new()
    {
        ["Webhook-Id"] = MsgId,
        ["webhook-timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["webhook-signature"] = signature,
    };

    [Fact]
    public void The_specs_known_answer_vector_verifies_and_signs()
    {
        var verifier = new WebhookVerifier(Secret, At(Timestamp));
        Assert.Equal(Signature, verifier.Sign(MsgId, DateTimeOffset.FromUnixTimeSeconds(Timestamp), Body));
        var delivery = verifier.Verify(Headers(), Body);
        Assert.Equal(MsgId, delivery.Id);
        Assert.Equal(Timestamp, delivery.Timestamp.ToUnixTimeSeconds());
        // The prefix is optional, as in the reference libraries; several signatures may be sent, any v1 one matching counts.
        new WebhookVerifier(Secret["whsec_".Length..], At(Timestamp)).Verify(Headers($"v1,bm9wZQ== v2,abc {Signature}"), Body);
    }

    [Fact]
    public void A_changed_body_a_wrong_secret_or_a_missing_header_fails()
    {
        var verifier = new WebhookVerifier(Secret, At(Timestamp));
        Assert.Throws<WebhookVerificationException>(() => verifier.Verify(Headers(), "{\"test\": 2432232315}"));
        Assert.Throws<WebhookVerificationException>(() => new WebhookVerifier("whsec_" + Convert.ToBase64String(new byte[24]), At(Timestamp)).Verify(Headers(), Body));
        Assert.Throws<WebhookVerificationException>(() => verifier.Verify(Headers("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd"), Body));
        Assert.Throws<WebhookVerificationException>(() => verifier.Verify(Headers("v2," + Signature[3..]), Body));
        var missing = Headers();
        missing.Remove("webhook-timestamp");
        Assert.Throws<WebhookVerificationException>(() => verifier.Verify(missing, Body));
    }

    [Fact]
    public void A_timestamp_outside_five_minutes_fails_either_way()
    {
        Assert.Throws<WebhookVerificationException>(() => new WebhookVerifier(Secret, At(Timestamp + 301)).Verify(Headers(), Body));
        Assert.Throws<WebhookVerificationException>(() => new WebhookVerifier(Secret, At(Timestamp - 301)).Verify(Headers(), Body));
        new WebhookVerifier(Secret, At(Timestamp + 299)).Verify(Headers(), Body);
    }

    [Fact]
    public async Task A_live_delivery_from_the_server_verifies_and_reads_as_a_task_event()
    {
        var received = new ConcurrentQueue<(Dictionary<string, IEnumerable<string>> Headers, string Body)>();
        await using var receiver = await LoopbackServer.StartAsync(app => app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            received.Enqueue((request.Headers.ToDictionary(h => h.Key, h => (IEnumerable<string>)h.Value.Select(v => v ?? "").ToArray()), body));
            return Results.NoContent();
        }));
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var task = await client.GenerateAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "A hooked fish", CallbackUrl = receiver.Address + "/hook" });

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (received.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(received.TryPeek(out var delivery), "no webhook delivery within 30 s");
        var verifier = new WebhookVerifier(await client.GetWebhookSecretAsync());
        var verified = verifier.Verify(delivery.Headers, delivery.Body);
        Assert.StartsWith("msg_", verified.Id, StringComparison.Ordinal);
        var taskEvent = verified.ReadEvent();
        Assert.Equal("task.succeeded", taskEvent.Type);
        Assert.Equal(task.TaskId, taskEvent.Data.TaskId);
        Assert.NotNull(taskEvent.Data.Images[0].Url);

        // The same delivery under another account's secret, or with one byte changed, does not verify.
        var (_, other) = await fixture.ClientAsync();
        using var o = other;
        Assert.Throws<WebhookVerificationException>(() => new WebhookVerifier(other.GetWebhookSecretAsync().Result).Verify(delivery.Headers, delivery.Body));
        Assert.Throws<WebhookVerificationException>(() => verifier.Verify(delivery.Headers, delivery.Body.Replace("succeeded", "succeedet", StringComparison.Ordinal)));
    }
}
