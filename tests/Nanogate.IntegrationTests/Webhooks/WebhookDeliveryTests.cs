using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Security;

namespace Nanogate.IntegrationTests.Webhooks;

public sealed class WebhookDeliveryTests(WebhookServerFixture fixture) : IClassFixture<WebhookServerFixture>
{
    private const string Payload = "{\"type\":\"task.succeeded\",\"timestamp\":\"2026-11-21T19:00:00Z\",\"data\":{\"id\":\"task_1\",  \"prompt\":\"café ☕ \\u2028 spaces\"}}";

    private NanogateServer Server => fixture.Server;

    private static async Task<string> SecretAsync(TestAccount account)
    {
        using var client = account.Client();
        using var response = await client.GetAsync("/v1/webhook-secret");
        response.EnsureSuccessStatusCode();
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var secret = (await response.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        return secret;
    }

    private static void AssertSigned(string secret, SeenRequest request) =>
        Assert.Null(StandardWebhookVerifier.Verify(
            secret,
            request.Headers.GetValueOrDefault("webhook-id"),
            request.Headers.GetValueOrDefault("webhook-timestamp"),
            request.Headers.GetValueOrDefault("webhook-signature"),
            request.Body,
            DateTimeOffset.UtcNow));

    private static Task<LoopbackSite> ReceiverAsync(Func<int, HttpContext, IResult> answer, int port = 0)
    {
        var calls = 0;
        return LoopbackSite.StartAsync(app => app.MapPost("/hook", (HttpContext context) => answer(Interlocked.Increment(ref calls), context)), port: port);
    }

    [Fact]
    public async Task Webhook_secret_needs_a_key()
    {
        using var response = await Server.Client.GetAsync("/v1/webhook-secret");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Rotating_the_secret_signs_later_attempts_with_the_new_one()
    {
        var account = await Server.CreateAccountAsync(0);
        var old = await SecretAsync(account);
        using var client = account.Client();
        using var rotated = await client.PostAsync("/v1/webhook-secret/rotate", null);
        rotated.EnsureSuccessStatusCode();
        var fresh = (await rotated.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>();
        Assert.NotEqual(old, fresh);
        Assert.Equal(fresh, await SecretAsync(account));
        await using var receiver = await ReceiverAsync((_, _) => Results.Ok());

        var id = await WebhookOutbox.EnqueueAsync(Server, account.Id, receiver.Url("/hook"), Payload);
        await WebhookOutbox.WaitForAsync(Server, id, r => r.Status == "delivered");

        var request = Assert.Single(receiver.Requests);
        AssertSigned(fresh, request);
        Assert.Equal("no signature matches", StandardWebhookVerifier.Verify(
            old, request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], request.Body, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Delivers_the_exact_payload_signed_with_the_account_secret()
    {
        var account = await Server.CreateAccountAsync(0);
        var secret = await SecretAsync(account);
        await using var receiver = await ReceiverAsync((_, _) => Results.Ok());

        var id = await WebhookOutbox.EnqueueAsync(Server, account.Id, receiver.Url("/hook"), Payload);
        var row = await WebhookOutbox.WaitForAsync(Server, id, r => r.Status != "pending");

        Assert.Equal("delivered", row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(200, row.LastStatus);
        Assert.NotNull(row.DeliveredAt);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal(Encoding.UTF8.GetBytes(Payload), request.Body);
        Assert.Equal(id, request.Headers["webhook-id"]);
        Assert.Equal("application/json", request.Headers["content-type"]);
        Assert.Equal("Nanogate-Webhooks/1", request.Headers["user-agent"]);
        Assert.InRange(long.Parse(request.Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        AssertSigned(secret, request);
    }

    [Fact]
    public async Task A_row_committed_without_a_wake_up_is_still_delivered_by_polling()
    {
        var account = await Server.CreateAccountAsync(0);
        await using var receiver = await ReceiverAsync((_, _) => Results.Ok());

        var id = await WebhookOutbox.EnqueueAsync(Server, account.Id, receiver.Url("/hook"), Payload, notify: false);
        var row = await WebhookOutbox.WaitForAsync(Server, id, r => r.Status != "pending", TimeSpan.FromSeconds(5));

        Assert.Equal("delivered", row.Status);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Another_account_secret_does_not_verify()
    {
        var account = await Server.CreateAccountAsync(0);
        var other = await SecretAsync(await Server.CreateAccountAsync(0));
        await using var receiver = await ReceiverAsync((_, _) => Results.NoContent());

        var id = await WebhookOutbox.EnqueueAsync(Server, account.Id, receiver.Url("/hook"), Payload);
        await WebhookOutbox.WaitForAsync(Server, id, r => r.Status == "delivered");

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("no signature matches", StandardWebhookVerifier.Verify(
            other, request.Headers["webhook-id"], request.Headers["webhook-timestamp"], request.Headers["webhook-signature"], request.Body, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task A_503_is_retried_with_the_same_id_a_fresh_timestamp_and_Retry_After_honoured()
    {
        var account = await Server.CreateAccountAsync(0);
        var secret = await SecretAsync(account);
        await using var receiver = await ReceiverAsync((call, context) =>
        {
            if (call == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return Results.StatusCode(503);
            }

            return Results.Ok();
        });

        var id = await WebhookOutbox.EnqueueAsync(Server, account.Id, receiver.Url("/hook"), Payload);
        var row = await WebhookOutbox.WaitForAsync(Server, id, r => r.Status != "pending");

        Assert.Equal("delivered", row.Status);
        Assert.Equal(2, row.Attempts);
        var requests = receiver.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.Equal(id, r.Headers["webhook-id"]));
        Assert.All(requests, r => Assert.Equal(Encoding.UTF8.GetBytes(Payload), r.Body));
        Assert.All(requests, r => AssertSigned(secret, r));
        Assert.True(long.Parse(requests[1].Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture)
            > long.Parse(requests[0].Headers["webhook-timestamp"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEqual(requests[0].Headers["webhook-signature"], requests[1].Headers["webhook-signature"]);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(0.9), "Retry-After: 1 was not honoured");
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_counts_as_a_failure()
    {
        var account = await Server.CreateAccountAsync(0);
        await using var elsewhere = await ReceiverAsync((_, _) => Results.Ok());
        await using var receiver = await ReceiverAsync((_, _) => Results.Redirect(elsewhere.Url("/hook").ToString()));

        var id = await WebhookOutbox.EnqueueAsync(Server, account.Id, receiver.Url("/hook"), Payload);
        var row = await WebhookOutbox.WaitForAsync(Server, id, r => r.Attempts >= 2);

        Assert.Equal("pending", row.Status);
        Assert.Equal(302, row.LastStatus);
        Assert.Contains("redirects are not followed", row.LastError, StringComparison.Ordinal);
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Gone_410_stops_all_further_attempts()
    {
        var account = await Server.CreateAccountAsync(0);
        await using var receiver = await ReceiverAsync((_, _) => Results.StatusCode(410));

        var id = await WebhookOutbox.EnqueueAsync(Server, account.Id, receiver.Url("/hook"), Payload);
        var row = await WebhookOutbox.WaitForAsync(Server, id, r => r.Status != "pending");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal("gone", row.Status);
        Assert.Equal(410, row.LastStatus);
        Assert.Single(receiver.Requests);
        Assert.Equal(1, (await WebhookOutbox.GetAsync(Server, id)).Attempts);
    }

    [Fact]
    public async Task An_expired_delivery_is_failed_without_being_sent()
    {
        var account = await Server.CreateAccountAsync(0);
        await using var receiver = await ReceiverAsync((_, _) => Results.Ok());

        var id = await WebhookOutbox.EnqueueAsync(Server, account.Id, receiver.Url("/hook"), Payload, TimeSpan.FromSeconds(-1));
        var row = await WebhookOutbox.WaitForAsync(Server, id, r => r.Status != "pending");

        Assert.Equal("failed", row.Status);
        Assert.Contains("expired", row.LastError, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task A_receiver_slower_than_the_attempt_timeout_is_retried()
    {
        var account = await Server.CreateAccountAsync(0);
        await using var receiver = await LoopbackSite.StartAsync(app => app.MapPost("/hook", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            return Results.Ok();
        }));

        var id = await WebhookOutbox.EnqueueAsync(Server, account.Id, receiver.Url("/hook"), Payload);
        var row = await WebhookOutbox.WaitForAsync(Server, id, r => r.Attempts >= 1);

        Assert.Equal("pending", row.Status);
        Assert.Equal("The receiver did not answer within 2 seconds.", row.LastError);
    }

    [Fact]
    public async Task A_receiver_that_is_down_gets_the_delivery_with_the_same_id_once_it_is_up()
    {
        await using var server = await NanogateServer.StartAsync(
            "Security:AllowPrivateNetworkTargets=true",
            "Webhooks:RetryBaseSeconds=0.05");
        var account = await server.CreateAccountAsync(0);
        var secret = await SecretAsync(account);
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var id = await WebhookOutbox.EnqueueAsync(server, account.Id, new Uri($"http://127.0.0.1:{port}/hook"), Payload);
        var failed = await WebhookOutbox.WaitForAsync(server, id, r => r.Attempts >= 1);
        Assert.Equal("pending", failed.Status);
        Assert.Equal("Could not connect to '127.0.0.1'.", failed.LastError);

        await using var receiver = await ReceiverAsync((_, _) => Results.Ok(), port);
        var row = await WebhookOutbox.WaitForAsync(server, id, r => r.Status != "pending", TimeSpan.FromSeconds(30));

        Assert.Equal("delivered", row.Status);
        Assert.True(row.Attempts >= 2);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(id, request.Headers["webhook-id"]);
        AssertSigned(secret, request);
    }

    [Fact]
    public async Task Loopback_targets_are_never_contacted_when_private_targets_are_not_allowed()
    {
        await using var server = await NanogateServer.StartAsync("Webhooks:RetryBaseSeconds=0.2");
        var account = await server.CreateAccountAsync(0);
        await using var receiver = await ReceiverAsync((_, _) => Results.Ok());

        var direct = await WebhookOutbox.EnqueueAsync(server, account.Id, receiver.Url("/hook"), Payload);
        var port80 = await WebhookOutbox.EnqueueAsync(server, account.Id, new Uri("http://127.0.0.1/hook"), Payload);
        var named = await WebhookOutbox.EnqueueAsync(server, account.Id, new Uri("http://localhost/hook"), Payload);
        var metadata = await WebhookOutbox.EnqueueAsync(server, account.Id, new Uri("http://169.254.169.254/latest/meta-data/"), Payload);

        var directRow = await WebhookOutbox.WaitForAsync(server, direct, r => r.Status != "pending");
        var port80Row = await WebhookOutbox.WaitForAsync(server, port80, r => r.Status != "pending");
        var namedRow = await WebhookOutbox.WaitForAsync(server, named, r => r.Status != "pending");
        var metadataRow = await WebhookOutbox.WaitForAsync(server, metadata, r => r.Status != "pending");

        Assert.All(new[] { directRow, port80Row, namedRow, metadataRow }, r =>
        {
            Assert.Equal("failed", r.Status);
            Assert.Equal(1, r.Attempts);
            Assert.Null(r.LastStatus);
        });
        Assert.Equal($"Refused target: Port {receiver.Port} is not allowed; use the default ports 80 (http) or 443 (https).", directRow.LastError);
        Assert.Equal("Refused target: The URL points to 127.0.0.1, a loopback address; only public internet addresses are allowed.", port80Row.LastError);
        Assert.Equal("Refused target: The host 'localhost' resolves to a loopback address; only public internet addresses are allowed.", namedRow.LastError);
        Assert.StartsWith("Refused target: The URL points to 169.254.169.254, a link-local address", metadataRow.LastError, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }
}
