using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nanogate.Auth;
using Nanogate.Billing;
using Nanogate.Core.Billing;
using Nanogate.Core.Catalog;
using Nanogate.Hosting;
using Nanogate.Media;
using Nanogate.Pipeline;
using Nanogate.Storage.Ledger;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Gemini;

/// <summary>Dialect 2: Google's native generateContent, streamGenerateContent and model listing.</summary>
public static partial class GeminiEndpoints
{
    private static ReadOnlySpan<byte> SseData => "data: "u8;
    private static ReadOnlySpan<byte> SseEnd => "\r\n\r\n"u8;

    /// <summary>Maps the Gemini routes under /v1beta and /v1.</summary>
    public static IEndpointRouteBuilder MapGeminiApi(this IEndpointRouteBuilder routes)
    {
        var gemini = routes.MapGroup("").WithDialect(Dialect.Gemini).RequireAuthorization(NanogatePolicies.UserKey);
        // {model} holds "name:method" (a route template cannot split one segment); named as the GET routes' is, so
        // the OpenAPI document has one path per URL shape.
        gemini.MapPost("/v1beta/models/{model}", HandleAsync).DescribeGenerateContent();
        gemini.MapPost("/v1/models/{model}", HandleAsync).DescribeGenerateContent();
        gemini.MapGet("/v1beta/models", ListModels).Produces<GeminiModelList>();
        gemini.MapGet("/v1beta/models/{model}", GetModel).Produces<GeminiModelEntry>().Produces<GeminiErrorBody>(StatusCodes.Status404NotFound);

        // Any other path under /v1beta is Google's 404, not the default shape.
        routes.MapFallback("/v1beta/{**path}", (HttpContext context) => GeminiError.Result(404, "NOT_FOUND",
            $"There is no {context.Request.Method} {context.Request.Path}. This gateway serves models/{{model}}:generateContent, :streamGenerateContent and ListModels under /v1beta."))
            .WithDialect(Dialect.Gemini).ExcludeFromDescription();
        return routes;
    }

    /// <summary>Google's ListModels, paged with pageSize/pageToken/nextPageToken (also behind GET /v1/models for Gemini clients).</summary>
    internal static IResult ListModels(ModelCatalog catalog, int? pageSize, string? pageToken)
    {
        var size = Math.Clamp(pageSize ?? 50, 1, 1000);
        var start = int.TryParse(pageToken, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        var page = catalog.Models.Skip(start).Take(size).Select(GeminiModelEntry.From).ToList();
        var next = start + size < catalog.Models.Count ? (start + size).ToString(CultureInfo.InvariantCulture) : null;
        return Results.Json(new GeminiModelList(page, next), NanogateJsonContext.Default.GeminiModelList);
    }

    /// <summary>Google's GetModel (also behind GET /v1/models/{model} for Gemini clients).</summary>
    internal static IResult GetModel(ModelCatalog catalog, string model) =>
        catalog.Find(model) is { } found
            ? Results.Json(GeminiModelEntry.From(found), NanogateJsonContext.Default.GeminiModelEntry)
            : GeminiError.Result(404, "NOT_FOUND", $"models/{model} is not found. Call ListModels (GET /v1beta/models) to see the available models.");

    private static async Task<IResult> HandleAsync(
        HttpContext context,
        [Microsoft.AspNetCore.Mvc.FromRoute(Name = "model")] string modelAction,
        Caller caller,
        ModelCatalog catalog,
        CreditHolds credits,
        ChannelRouter router,
        IMediaStore media,
        MediaLinks links,
        ILoggerFactory loggers)
    {
        var colon = modelAction.LastIndexOf(':');
        var modelName = colon > 0 ? modelAction[..colon] : modelAction;
        var method = colon > 0 ? modelAction[(colon + 1)..] : "";
        if (method is not ("generateContent" or "streamGenerateContent"))
        {
            return GeminiError.Result(404, "NOT_FOUND", $"Method \"{method}\" is not supported. Use models/{{model}}:generateContent or :streamGenerateContent.");
        }

        if (catalog.Find(modelName) is not { } model)
        {
            return GeminiError.ModelNotFound(modelName, method);
        }

        if (GeminiImageDelivery.WantsUrl(context.Request, caller, out var deliveryProblem) is not { } asUrl)
        {
            return GeminiError.InvalidArgument(deliveryProblem!);
        }

        var delivery = asUrl ? new UrlDelivery(context.Request, caller, media, links) : null;

        var (root, bodyError) = await JsonBody.ReadObjectAsync(context).ConfigureAwait(false);
        if (root is null)
        {
            return bodyError!;
        }

        if (!GeminiRequestPreparer.TryPrepare(root, model, out var prepared, out var problem))
        {
            return GeminiError.InvalidArgument(problem!);
        }

        var estimate = GeminiBilling.WorstCase(model, prepared!.PromptChars, prepared.InputImages, prepared.CandidateCount);
        var expected = GeminiBilling.Expected(model, prepared.PromptChars, prepared.InputImages, prepared.Size, prepared.CandidateCount);
        Reservation? reservation;
        try
        {
            reservation = await credits.TryHoldAsync(caller, estimate, 1, "gemini:" + method, model.Id, context.RequestAborted).ConfigureAwait(false);
        }
        catch (SpendCapExceededException cap) when (cap.Cap - cap.Spent >= expected)
        {
            // The key's spending cap leaves room for the expected cost but not for the worst case: as for a small
            // balance below, the hold is what the cap leaves, and the charge is capped by it (the other period's
            // cap, if tighter, still refuses with 402).
            reservation = await credits.TryHoldAsync(caller, cap.Cap - cap.Spent, 0, "gemini:" + method, model.Id, context.RequestAborted).ConfigureAwait(false);
        }

        if (reservation is null)
        {
            // The worst case (the whole output limit) is far above an image's cost (Nano Banana 2: 1,966 credits
            // against 67): an account that cannot hold it but can hold the expected cost holds all it has, and
            // the charge, settled from usage, is capped by that hold.
            var available = await credits.AvailableAsync(caller.AccountId, context.RequestAborted).ConfigureAwait(false);
            if (available >= expected)
            {
                reservation = await credits.TryHoldAsync(caller, Math.Min(estimate, available), 0, "gemini:" + method, model.Id, context.RequestAborted).ConfigureAwait(false);
            }

            if (reservation is null)
            {
                return GeminiError.Result(402, "FAILED_PRECONDITION",
                    $"Insufficient credits: this request is expected to cost {expected} credits (up to {estimate}; held up front, then settled from actual token usage), and the account has {available} available. Top up the account and retry.");
            }
        }

        if (prepared.Adjustments.Count > 0)
        {
            Hosting.AdjustmentsHeader.Set(context.Response, prepared.Adjustments);
        }

        var logger = loggers.CreateLogger("Nanogate.Gemini");
        var request = new UpstreamRequest(model.Id, prepared.Body, context.TraceIdentifier) { CatalogModel = model };
        return method == "generateContent"
            ? await GenerateAsync(context, router, credits, model, prepared, reservation, request, delivery, logger).ConfigureAwait(false)
            : await StreamAsync(context, router, credits, model, prepared, reservation, request, delivery, logger).ConfigureAwait(false);
    }

    private static async Task<IResult> GenerateAsync(
        HttpContext context, ChannelRouter router, CreditHolds credits, ModelInfo model, PreparedGeminiRequest prepared, Reservation reservation, UpstreamRequest request, UrlDelivery? delivery, ILogger logger)
    {
        var response = await CallOrReleaseAsync(ct => router.GenerateContentAsync(request, ct), credits, reservation, context.RequestAborted).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return await ReleaseAndFailAsync(credits, reservation, logger, request.RequestId, response.Channel, response.Failure!).ConfigureAwait(false);
        }

        // URL delivery stores the images before anything is charged: an image the store refused (full,
        // read-only, unreachable) was never delivered, so the hold is released and the caller told why.
        ReadOnlyMemory<byte>? linked = null;
        if (delivery is not null)
        {
            using (response)
            {
                try
                {
                    linked = await delivery.RewriteAsync(response.Body).ConfigureAwait(false);
                }
                catch (MediaStoreException e)
                {
                    await credits.ReleaseAsync(reservation).ConfigureAwait(false);
                    LogStoreFailed(logger, request.RequestId, e.Failure, e);
                    return GeminiError.StorageFailed(e);
                }
            }
        }

        var charge = Charge(model, prepared, response.Summary);
        var settled = await credits.CaptureAsync(reservation, charge, response.Channel, Dialect.Gemini, model.Id, new SettleUsage(response.Summary?.ImageCount ?? 0, 0)).ConfigureAwait(false);
        SetUpstreamHeaders(context, router, response.Channel, settled);
        LogServed(logger, request.RequestId, model.Id, response.Channel, response.Body.Length, settled.Captured);
        if (linked is { } body)
        {
            context.Response.Headers[GeminiImageDelivery.Header] = "url";
            return new RawJsonResult(body);
        }

        return new RawJsonResult(response.Body, response);
    }

    private static async Task<IResult> StreamAsync(
        HttpContext context, ChannelRouter router, CreditHolds credits, ModelInfo model, PreparedGeminiRequest prepared, Reservation reservation, UpstreamRequest request, UrlDelivery? delivery, ILogger logger)
    {
        var stream = await CallOrReleaseAsync(ct => router.StreamGenerateContentAsync(request, ct), credits, reservation, context.RequestAborted).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            if (!stream.IsSuccess)
            {
                return await ReleaseAndFailAsync(credits, reservation, logger, request.RequestId, stream.Channel, stream.Failure!).ConfigureAwait(false);
            }

            var sse = string.Equals(context.Request.Query["alt"], "sse", StringComparison.OrdinalIgnoreCase);
            var response = context.Response;
            response.StatusCode = 200;
            response.ContentType = sse ? "text/event-stream" : "application/json; charset=UTF-8";
            response.Headers.CacheControl = "no-cache";
            response.Headers["x-nanogate-upstream"] = router.KindOf(stream.Channel);
            response.Headers["x-nanogate-channel"] = stream.Channel;
            if (delivery is not null)
            {
                response.Headers[GeminiImageDelivery.Header] = "url";
            }

            var accumulator = new GeminiStreamAccumulator();
            var events = 0;
            var upstreamFailed = false;
            MediaStoreException? storeFailure = null;
            try
            {
                await foreach (var data in stream.Events.WithCancellation(context.RequestAborted).ConfigureAwait(false))
                {
                    ReadOnlyMemory<byte> chunk;
                    try
                    {
                        chunk = delivery is null ? data : await delivery.RewriteAsync(data).ConfigureAwait(false);
                    }
                    catch (MediaStoreException e)
                    {
                        // Not delivered, so not charged: the chunk never reaches the accumulator.
                        storeFailure = e;
                        LogStoreFailed(logger, request.RequestId, e.Failure, e);
                        break;
                    }

                    accumulator.Add(data.Span, decodeImage: false);
                    await WriteEventAsync(response, chunk, sse, events++).ConfigureAwait(false);
                }

                if (storeFailure is not null && events > 0)
                {
                    var (code, status) = GeminiError.StorageStatus(storeFailure);
                    var error = JsonSerializer.SerializeToUtf8Bytes(new GeminiErrorBody(new GeminiErrorDetail(code, storeFailure.Message, status)), NanogateJsonContext.Default.GeminiErrorBody);
                    await WriteEventAsync(response, error, sse, events++).ConfigureAwait(false);
                }
            }
            catch (UpstreamException e)
            {
                upstreamFailed = true;
                var (http, status, message) = GeminiFailures.Describe(e.Failure);
                var error = JsonSerializer.SerializeToUtf8Bytes(new GeminiErrorBody(new GeminiErrorDetail(http, message, status)), NanogateJsonContext.Default.GeminiErrorBody);
                await WriteEventAsync(response, error, sse, events++).ConfigureAwait(false);
                LogUpstreamFailure(logger, request.RequestId, stream.Channel, e.Failure.Kind, e.Failure.Message);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The caller left: bill only what the upstream produced so far.
            }
            finally
            {
                var charge = Charge(model, prepared, events > 0 ? accumulator.Result : null);
                var images = events > 0 ? accumulator.Result?.ImageCount ?? 0 : 0;

                // An upstream that failed mid-stream refunds what it did not deliver; the caller leaving does not.
                var refunded = upstreamFailed ? Math.Max(0, reservation.Amount - charge) : 0;
                await credits.CaptureAsync(reservation, charge, stream.Channel, Dialect.Gemini, model.Id, new SettleUsage(images, refunded)).ConfigureAwait(false);
            }

            if (storeFailure is not null && events == 0)
            {
                // Nothing was sent yet: the whole answer can still be the error (the hold was released above).
                return GeminiError.StorageFailed(storeFailure);
            }

            if (!sse)
            {
                await response.Body.WriteAsync(events == 0 ? "[]"u8.ToArray() : "]"u8.ToArray(), CancellationToken.None).ConfigureAwait(false);
            }

            return Results.Empty;
        }
    }

    /// <summary>Calls the upstream; if the caller goes away meanwhile, the hold is released before the cancellation propagates.</summary>
    private static async Task<T> CallOrReleaseAsync<T>(Func<CancellationToken, Task<T>> call, CreditHolds credits, Reservation reservation, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await credits.ReleaseAsync(reservation).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An upstream failure: nothing is charged (the hold is refunded), and the caller gets the failure in Google's shape.</summary>
    private static async Task<IResult> ReleaseAndFailAsync(CreditHolds credits, Reservation reservation, ILogger logger, string requestId, string channel, UpstreamFailure failure)
    {
        await credits.RefundAsync(reservation, channel).ConfigureAwait(false);
        LogUpstreamFailure(logger, requestId, channel, failure.Kind, failure.Message);
        return GeminiFailures.ToResult(failure);
    }

    private static async Task WriteEventAsync(HttpResponse response, ReadOnlyMemory<byte> data, bool sse, int index)
    {
        var body = response.BodyWriter;
        if (sse)
        {
            body.Write(SseData);
            body.Write(data.Span);
            body.Write(SseEnd);
        }
        else
        {
            body.Write(index == 0 ? "["u8 : ",\r\n"u8);
            body.Write(data.Span);
        }

        await body.FlushAsync(response.HttpContext.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Credits for a response: its usageMetadata at the model's token prices; without usage, the
    /// catalog's tokens for each image it returned plus a prompt estimate.
    /// </summary>
    private static long Charge(ModelInfo model, PreparedGeminiRequest prepared, GeminiResponseSummary? summary)
    {
        if (summary?.Usage is { } usage)
        {
            return GeminiBilling.Settle(model, usage.PromptTokens, usage.TextOutputTokens, usage.ImageOutputTokens);
        }

        if (summary is null || summary.ImageCount == 0)
        {
            return 0;
        }

        var imageTokens = (long)model.TokensPerImage[prepared.Size] * summary.ImageCount;
        return GeminiBilling.Settle(model, (prepared.PromptChars / 4) + 1, 0, imageTokens);
    }

    private static void SetUpstreamHeaders(HttpContext context, ChannelRouter router, string channel, Reservation settled)
    {
        context.Response.Headers["x-nanogate-upstream"] = router.KindOf(channel);
        context.Response.Headers["x-nanogate-channel"] = channel;
        context.Response.Headers["x-nanogate-credits-charged"] = settled.Captured.ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: upstream {Channel} failed ({Kind}): {Message}")]
    private static partial void LogUpstreamFailure(ILogger logger, string requestId, string channel, UpstreamFailureKind kind, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: the media store refused an image ({Failure}); nothing charged for it")]
    private static partial void LogStoreFailed(ILogger logger, string requestId, MediaStoreFailure failure, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: {Model} served by {Channel}, {Bytes} bytes, {Credits} credits")]
    private static partial void LogServed(ILogger logger, string requestId, string model, string channel, int bytes, long credits);

    /// <summary>URL delivery bound to one request.</summary>
    private sealed class UrlDelivery(HttpRequest request, Caller caller, IMediaStore media, MediaLinks links)
    {
        public Task<ReadOnlyMemory<byte>> RewriteAsync(ReadOnlyMemory<byte> json) => GeminiImageDelivery.RewriteAsync(json, request, caller, media, links);
    }
}
