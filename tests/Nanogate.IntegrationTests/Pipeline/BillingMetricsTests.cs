using System.Net;
using System.Net.Http.Json;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Pipeline;

/// <summary>Every dialect's charged credits reach the metrics through the one billing component.</summary>
public sealed class BillingMetricsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Charged_credits_are_counted_for_the_task_openai_and_gemini_dialects()
    {
        var account = await fixture.Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        using (var openai = await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a red square" }))
        {
            Assert.Equal(HttpStatusCode.OK, openai.StatusCode);
        }

        using (var task = new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations") { Content = JsonContent.Create(new { model = "nano-banana-2-lite", prompt = "a red square" }) })
        {
            task.Headers.Add("Prefer", "wait=30");
            using var answer = await client.SendAsync(task);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        using (var gemini = await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body("a red square")))
        {
            Assert.Equal(HttpStatusCode.OK, gemini.StatusCode);
        }

        var text = await fixture.Server.Client.GetStringAsync("/metrics");
        Assert.Contains("nanogate_credits_charged_total{dialect=\"openai\",model=\"gemini-3.1-flash-lite-image\"} 45", text, StringComparison.Ordinal);
        Assert.Contains("nanogate_credits_charged_total{dialect=\"tasks\",model=\"gemini-3.1-flash-lite-image\"} 45", text, StringComparison.Ordinal);
        Assert.Contains("nanogate_credits_charged_total{dialect=\"gemini\",model=\"gemini-3.1-flash-lite-image\"} 45", text, StringComparison.Ordinal);
        Assert.Equal(1_000 - (3 * 45), (await account.BalanceAsync()).Available);
    }
}
