using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Security;

namespace Nanogate.IntegrationTests.Telemetry;

/// <summary>OTLP/HTTP export to a real (loopback) receiver: with <c>Telemetry:OtlpEndpoint</c> set, spans and metrics arrive.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task Spans_and_metrics_reach_an_otlp_http_receiver()
    {
        await using var collector = await LoopbackSite.StartAsync(app =>
        {
            app.MapPost("/v1/traces", () => Results.Ok());
            app.MapPost("/v1/metrics", () => Results.Ok());
            app.MapPost("/v1/logs", () => Results.Ok());
        });
        var server = await NanogateServer.StartAsync(
            $"Telemetry:OtlpEndpoint={collector.BaseAddress.ToString().TrimEnd('/')}",
            "Telemetry:OtlpProtocol=http/protobuf");
        try
        {
            var account = await server.CreateAccountAsync(1_000);
            using var client = account.Client();
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body("x"))).StatusCode);
        }
        finally
        {
            // Stopping flushes the batch exporters.
            await server.DisposeAsync();
        }

        var traces = collector.Requests.Where(r => r.Path == "/v1/traces").ToList();
        Assert.NotEmpty(traces);
        Assert.All(traces, r => Assert.Equal("application/x-protobuf", r.Headers["content-type"]));
        // Protobuf keeps strings as UTF-8 bytes: the span names and the service name are readable in the payload.
        var spans = string.Join("\n", traces.Select(r => Encoding.UTF8.GetString(r.Body)));
        Assert.Contains("upstream.call", spans, StringComparison.Ordinal);
        Assert.Contains("ledger.hold", spans, StringComparison.Ordinal);
        Assert.Contains("nanogate", spans, StringComparison.Ordinal);

        var metrics = string.Join("\n", collector.Requests.Where(r => r.Path == "/v1/metrics").Select(r => Encoding.UTF8.GetString(r.Body)));
        Assert.Contains("nanogate.credits.charged", metrics, StringComparison.Ordinal);
    }
}
