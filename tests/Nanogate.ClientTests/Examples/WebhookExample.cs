// Receiving task webhooks in ASP.NET Core: verify the Standard Webhooks signature on the raw body, then read the event.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nanogate.Client;

namespace Nanogate.ClientTests.Examples;

public static class WebhookExample
{
    // secret: the account's whsec_… from GET /v1/webhook-secret (client.GetWebhookSecretAsync()).
    public static void MapNanogateWebhooks(this WebApplication app, string secret, Action<TaskEvent> handle)
    {
        var verifier = new WebhookVerifier(secret);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        app.MapPost("/webhooks/nanogate", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            WebhookDelivery delivery;
            try
            {
                delivery = verifier.Verify(request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString()), body);
            }
            catch (WebhookVerificationException)
            {
                return Results.BadRequest();
            }

            if (seen.TryAdd(delivery.Id, true)) // retried until answered 2xx: deduplicate on webhook-id
            {
                handle(delivery.ReadEvent()); // event.Type "task.succeeded", event.Data: the task with its image URLs
            }

            return Results.NoContent();
        });
    }
}
