using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nanogate.Client;
using Nanogate.ClientTests.Infrastructure;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.ClientTests;

/// <summary>Every refusal arrives as its typed exception with the server's code, message, param, status and request id.</summary>
public sealed class ErrorTests(ClientServerFixture fixture) : IClassFixture<ClientServerFixture>
{
    [Fact]
    public async Task An_unknown_key_is_an_authentication_exception_with_the_servers_message()
    {
        using var client = new NanogateClient(fixture.Server.BaseAddress, "sk-not-a-real-key");
        var e = await Assert.ThrowsAsync<NanogateAuthenticationException>(() => client.GetAccountAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal("unauthenticated", e.Code);
        Assert.Contains("key", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("req_", e.RequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_few_credits_is_an_insufficient_credits_exception_that_says_what_was_needed()
    {
        var (_, client) = await fixture.ClientAsync(credits: 10);
        using var _ = client;
        var e = await Assert.ThrowsAsync<NanogateInsufficientCreditsException>(() =>
            client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "A kite" }));
        Assert.Equal(HttpStatusCode.PaymentRequired, e.StatusCode);
        Assert.Equal("insufficient_credits", e.Code);
        Assert.Contains("45", e.Message, StringComparison.Ordinal);
        Assert.Contains("10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_model_is_a_not_found_exception_naming_the_param()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var e = await Assert.ThrowsAsync<NanogateNotFoundException>(() =>
            client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-99", Prompt = "A kite" }));
        Assert.Equal("model_not_found", e.Code);
        Assert.Equal("model", e.Param);
        Assert.Contains("nano-banana-99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_field_is_an_invalid_request_exception_naming_the_param()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var e = await Assert.ThrowsAsync<NanogateInvalidRequestException>(() =>
            client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "A kite", AspectRatio = "wide" }));
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("invalid_request", e.Code);
        Assert.Equal("aspect_ratio", e.Param);
        Assert.Contains("'wide'", e.Message, StringComparison.Ordinal);

        var tooMany = await Assert.ThrowsAsync<NanogateInvalidRequestException>(() =>
            client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "A kite", N = 9 }));
        Assert.Equal("n", tooMany.Param);
    }

    [Fact]
    public async Task An_unknown_task_is_a_not_found_exception()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var e = await Assert.ThrowsAsync<NanogateNotFoundException>(() => client.GetTaskAsync("task_doesnotexist"));
        Assert.Equal("not_found", e.Code);
        Assert.Contains("task_doesnotexist", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NanogateNotFoundException>(() => client.CancelTaskAsync("task_doesnotexist"));
    }

    [Fact]
    public async Task Another_accounts_task_is_not_found()
    {
        var (_, owner) = await fixture.ClientAsync();
        var (_, other) = await fixture.ClientAsync();
        using var a = owner;
        using var b = other;
        var task = await owner.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "Mine" });
        await Assert.ThrowsAsync<NanogateNotFoundException>(() => other.GetTaskAsync(task.TaskId));
    }

    [Fact]
    public async Task A_reused_idempotency_key_with_another_body_is_an_invalid_request()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var key = Guid.NewGuid().ToString("N");
        var first = await client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "One" }, new SubmitOptions { IdempotencyKey = key });
        var again = await client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "One" }, new SubmitOptions { IdempotencyKey = key });
        Assert.Equal(first.TaskId, again.TaskId);
        var e = await Assert.ThrowsAsync<NanogateInvalidRequestException>(() =>
            client.SubmitAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "Two" }, new SubmitOptions { IdempotencyKey = key }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.StatusCode);
        Assert.Equal("idempotency_key_reused", e.Code);
    }

    [Fact]
    public async Task An_unreachable_server_is_an_HttpRequestException()
    {
        using var client = new NanogateClient(new Uri("http://127.0.0.1:1"), "sk-any");
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAccountAsync());
    }

    [Fact]
    public async Task A_failed_task_is_returned_with_its_error_not_thrown()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var task = await client.GenerateAsync(new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "Nothing [sim:noimage]" });
        Assert.Equal(NanogateTaskStatus.Failed, task.Status);
        Assert.Equal("no_image", task.Images[0].Error!.Code);
        Assert.Equal(0, task.Credits!.Charged);
    }
    [Fact]
    public async Task The_same_idempotency_key_while_the_first_request_is_held_is_a_conflict()
    {
        var (_, client) = await fixture.ClientAsync();
        using var _ = client;
        var key = Guid.NewGuid().ToString("N");
        var request = new ImageTaskRequest { Model = "nano-banana-2-lite", Prompt = "Held [sim:slow:2000]" };
        var held = client.SubmitAsync(request, new SubmitOptions { IdempotencyKey = key, PreferWaitSeconds = 10 });
        await Task.Delay(300);
        var e = await Assert.ThrowsAsync<NanogateConflictException>(() => client.SubmitAsync(request, new SubmitOptions { IdempotencyKey = key }));
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        Assert.Equal("idempotency_key_in_use", e.Code);
        Assert.Equal(NanogateTaskStatus.Succeeded, (await held).Status);
    }

    [Fact]
    public async Task Rate_limits_server_errors_and_non_json_answers_map_to_their_types()
    {
        // A platform that answers 429 with Retry-After, 503 in the error shape, and 502 from a proxy in HTML.
        await using var platform = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/v1/tasks/limited", (HttpContext context) =>
            {
                context.Response.Headers.RetryAfter = "7";
                context.Response.Headers["x-request-id"] = "req_limited";
                return Results.Json(new { error = new { code = "rate_limited", message = "Slow down.", param = (string?)null } }, statusCode: 429);
            });
            app.MapGet("/v1/tasks/down", () => Results.Json(new { error = new { code = "upstream_unavailable", message = "Upstream is down." } }, statusCode: 503));
            app.MapGet("/v1/tasks/proxy", () => Results.Content("<html>Bad Gateway</html>", "text/html", statusCode: 502));
        });
        using var client = new NanogateClient(platform.BaseUrl, "sk-any");
        var limited = await Assert.ThrowsAsync<NanogateRateLimitException>(() => client.GetTaskAsync("limited"));
        Assert.Equal(("rate_limited", "Slow down.", "req_limited"), (limited.Code, limited.Message, limited.RequestId));
        Assert.Equal(TimeSpan.FromSeconds(7), limited.RetryAfter);
        var down = await Assert.ThrowsAsync<NanogateServerException>(() => client.GetTaskAsync("down"));
        Assert.Equal(("upstream_unavailable", "Upstream is down.", HttpStatusCode.ServiceUnavailable), (down.Code, down.Message, down.StatusCode));
        var proxy = await Assert.ThrowsAsync<NanogateServerException>(() => client.GetTaskAsync("proxy"));
        Assert.Equal("http_502", proxy.Code);
        Assert.Contains("Bad Gateway", proxy.Message, StringComparison.Ordinal);
    }
}
