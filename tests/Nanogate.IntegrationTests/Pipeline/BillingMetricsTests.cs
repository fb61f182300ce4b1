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

        var metrics = PrometheusText.Parse(await fixture.Server.Client.GetStringAsync("/metrics"));
        foreach (var dialect in new[] { "openai", "tasks", "gemini" })
        {
            Assert.Equal(45, metrics.Value("nanogate_credits_charged_total", ("dialect", dialect), ("model", "gemini-3.1-flash-lite-image")));
        }

        Assert.Equal(1, metrics.Value("nanogate_task_images_total", ("model", "gemini-3.1-flash-lite-image"), ("outcome", "succeeded")));
        Assert.Equal(1_000 - (3 * 45), (await account.BalanceAsync()).Available);
    }
}
