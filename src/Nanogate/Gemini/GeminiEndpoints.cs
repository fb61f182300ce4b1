using System.Buffers;
using System.Globalization;
using System.Text.Json;
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
internal static partial class GeminiEndpoints
{
    private static ReadOnlySpan<byte> SseData => "data: "u8;
    private static ReadOnlySpan<byte> SseEnd => "\r\n\r\n"u8;

    /// <summary>The charge, a header on answers settled before they are sent, a trailer on streamed ones.</summary>
    private const string CreditsChargedHeader = "x-nanogate-credits-charged";

    // One upstream read: as large as nginx's proxy buffers (64 KB), below the large-object heap's 85,000 bytes; a
    // 1.4 MB answer takes ~22 reads and flushes (4 KB reads, Kestrel's block size, took 350 syscalls each way).
    private const int PassThroughReadBytes = 64 * 1024;

    private enum ForwardOutcome
    {
        Complete,
        CallerLeft,
        Failed,
    }

    /// <summary>Maps the Gemini routes under /v1beta and /v1.</summary>
    public static IEndpointRouteBuilder MapGeminiApi(this IEndpointRouteBuilder routes)
    {
        var gemini = routes.MapGroup("").WithDialect(Dialect.Gemini).RequireAuthorization(NanogatePolicies.UserKey);
        // {model} holds "name:method" (a route template cannot split one segment); named as the GET routes' is, so
        // the OpenAPI document has one path per URL shape.
        gemini.MapPost("/v1beta/models/{model}", HandleAsync).DescribeGenerateContent().WithSyncGenerationBound(Dialect.Gemini);
        gemini.MapPost("/v1/models/{model}", HandleAsync).DescribeGenerateContent().WithSyncGenerationBound(Dialect.Gemini);
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
        if (delivery is null)
        {
            return await PassThroughAsync(context, router, credits, model, prepared, reservation, request, logger).ConfigureAwait(false);
        }

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

    /// <summary>
    /// generateContent with inline images: the upstream's answer goes to the caller as it arrives, read straight into
    /// the response's own memory (no whole-answer buffer, no copy but the socket's) and validated on the way. An answer
    /// whole in the first read (a refusal, a text answer, an error) is settled before anything is sent and keeps the
    /// <c>x-nanogate-credits-charged</c> header; a longer one is settled when it ends, its charge sent as a trailer on
    /// HTTP/2 and recorded in the ledger in any case. See docs/gemini.md,
    /// <em>Passthrough</em>, for what a caller sees when the answer breaks or the caller leaves.
    /// </summary>
    private static async Task<IResult> PassThroughAsync(
        HttpContext context, ChannelRouter router, CreditHolds credits, ModelInfo model, PreparedGeminiRequest prepared, Reservation reservation, UpstreamRequest request, ILogger logger)
    {
        var body = await CallOrReleaseAsync(ct => router.OpenContentAsync(request, ct), credits, reservation, context.RequestAborted).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            if (!body.IsSuccess)
            {
                return await ReleaseAndFailAsync(credits, reservation, logger, request.RequestId, body.Channel, body.Failure!).ConfigureAwait(false);
            }

            var response = context.Response;
            response.StatusCode = 200;
            response.ContentType = "application/json; charset=UTF-8";
            if (body.IsComplete)
            {
                var settled = await credits.CaptureAsync(reservation, Charge(model, prepared, body.Summary), body.Channel, Dialect.Gemini, model.Id, new SettleUsage(body.Summary?.ImageCount ?? 0, 0)).ConfigureAwait(false);
                SetUpstreamHeaders(context, router, body.Channel, settled);
                LogServed(logger, request.RequestId, model.Id, body.Channel, body.First.Length, settled.Captured);
                response.ContentLength = body.First.Length;
                await response.Body.WriteAsync(body.First, context.RequestAborted).ConfigureAwait(false);
                return Results.Empty;
            }

            response.Headers["x-nanogate-upstream"] = router.KindOf(body.Channel);
            response.Headers["x-nanogate-channel"] = body.Channel;
            // Trailers need HTTP/2 or later here (Kestrel sends none on HTTP/1.1): there the charge follows the body;
            // on HTTP/1.1 the body keeps the upstream's Content-Length and the charge is in the ledger.
            var trailer = response.SupportsTrailers();
            if (trailer)
            {
                response.DeclareTrailer(CreditsChargedHeader);
            }
            else if (body.Length is { } length)
            {
                response.ContentLength = length;
            }

            // Settled once the whole answer proved valid, before its last byte goes: a caller holding the whole
            // answer finds it settled (balance, ledger, the trailer).
            Reservation? captured = null;
            var (outcome, failure) = await ForwardAsync(context, body, async () =>
            {
                captured = await credits.CaptureAsync(reservation, Charge(model, prepared, body.Summary), body.Channel, Dialect.Gemini, model.Id, new SettleUsage(body.Summary?.ImageCount ?? 0, 0)).ConfigureAwait(false);
                if (trailer)
                {
                    response.AppendTrailer(CreditsChargedHeader, captured.Captured.ToString(CultureInfo.InvariantCulture));
                }
            }).ConfigureAwait(false);
            if (outcome == ForwardOutcome.Failed)
            {
                // Part of the answer is gone to the caller: it cannot become an error any more, so the response is
                // aborted (a broken stream, never a truncated body that looks whole) and nothing is charged: the
                // hold is released (not a refund: nothing was paid).
                await credits.ReleaseAsync(reservation, body.Channel).ConfigureAwait(false);
                LogBrokeMidBody(logger, request.RequestId, body.Channel, failure!.Kind, body.BytesRead, failure.Message);
                context.Abort();
                return Results.Empty;
            }

            LogServed(logger, request.RequestId, model.Id, body.Channel, (int)body.BytesRead, captured!.Captured);
            if (outcome == ForwardOutcome.CallerLeft)
            {
                // The upstream finished (and bills) the answer: the caller is charged for it though it left early.
                LogCallerLeft(logger, request.RequestId, captured.Captured);
            }

            return Results.Empty;
        }
    }

    /// <summary>
    /// Copies the answer to the caller: each read lands in the response pipe's memory, is scanned there, then
    /// committed, except its last byte, which goes out with the next read (one byte copied): the answer's final
    /// byte is only sent once the whole answer proved valid, so a caller of a broken answer never holds a body that
    /// looks complete, whatever Content-Length says. When the caller leaves, the rest is read (and scanned) into a
    /// pooled buffer to learn whether the answer was complete.
    /// </summary>
    private static async Task<(ForwardOutcome Outcome, UpstreamFailure? Failure)> ForwardAsync(HttpContext context, UpstreamBody body, Func<Task> settle)
    {
        var writer = context.Response.BodyWriter;
        var aborted = context.RequestAborted;
        byte[]? drain = null;
        try
        {
            var first = body.First.Span;
            writer.Write(first[..^1]);
            var held = first[^1];
            var flushed = await FlushAsync(writer, aborted).ConfigureAwait(false);
            while (true)
            {
                if (!flushed)
                {
                    drain ??= ArrayPool<byte>.Shared.Rent(PassThroughReadBytes);
                    if (await body.ReadAsync(drain).ConfigureAwait(false) == 0)
                    {
                        await settle().ConfigureAwait(false);
                        return (ForwardOutcome.CallerLeft, null);
                    }

                    continue;
                }

                var memory = writer.GetMemory(PassThroughReadBytes);
                var n = await body.ReadAsync(memory[1..]).ConfigureAwait(false);
                memory.Span[0] = held;
                if (n == 0)
                {
                    // The answer ended and is valid: settled, then its last byte goes and the tail is flushed.
                    await settle().ConfigureAwait(false);
                    writer.Advance(1);
                    flushed = await FlushAsync(writer, aborted).ConfigureAwait(false);
                    return (flushed ? ForwardOutcome.Complete : ForwardOutcome.CallerLeft, null);
                }

                held = memory.Span[n];
                writer.Advance(n);
                flushed = await FlushAsync(writer, aborted).ConfigureAwait(false);
            }
        }
        catch (UpstreamException e)
        {
            return (ForwardOutcome.Failed, e.Failure);
        }
        finally
        {
            if (drain is not null)
            {
                ArrayPool<byte>.Shared.Return(drain);
            }
        }
    }

    /// <summary>Sends what was written; false when the caller is gone.</summary>
    // Pooled: a flush waits for the socket about 22 times per 1.4 MB answer, and each wait boxed this state machine
    // (7 % of the bytes a passthrough request allocated, AllocationTick stacks in docs/benchmarks.md).
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<bool> FlushAsync(System.IO.Pipelines.PipeWriter writer, CancellationToken aborted)
    {
        if (aborted.IsCancellationRequested)
        {
            return false;
        }

        try
        {
            var result = await writer.FlushAsync(aborted).ConfigureAwait(false);
            return !result.IsCanceled && !result.IsCompleted && !aborted.IsCancellationRequested;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            return false;
        }
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
            var midEvent = false;
            MediaStoreException? storeFailure = null;
            try
            {
                if (delivery is null && stream.CanReadPieces)
                {
                    // Relayed as it arrives: each upstream read goes out before the next one waits for the network, so
                    // the caller's first byte of an image event (~1.4 MB of base64) no longer waits for its last. The
                    // data bytes are copied once into the response (the framing is ours); see docs/gemini.md.
                    var writer = response.BodyWriter;
                    while (true)
                    {
                        var piece = await stream.ReadPieceAsync().ConfigureAwait(false);
                        switch (piece.Kind)
                        {
                            case StreamPieceKind.EventStart:
                                midEvent = true;
                                writer.Write(sse ? SseData : events == 0 ? "["u8 : ",\r\n"u8);
                                break;
                            case StreamPieceKind.Data:
                                writer.Write(piece.Data.Span);
                                break;
                            case StreamPieceKind.LineBreak:
                                writer.Write(sse ? "\ndata: "u8 : "\n"u8);
                                break;
                            case StreamPieceKind.EventEnd:
                                // The event proved valid: only now does it end for the caller (SSE's blank line; in
                                // the JSON array the next ',' or the final ']').
                                accumulator.Add(piece.Summary!);
                                events++;
                                midEvent = false;
                                if (sse)
                                {
                                    writer.Write(SseEnd);
                                }

                                break;
                            case StreamPieceKind.Flush:
                                await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                                break;
                        }

                        if (piece.Kind == StreamPieceKind.End)
                        {
                            await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                            break;
                        }
                    }
                }
                else
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
                }

                if (storeFailure is not null && events > 0)
                {
                    var (code, status) = GeminiError.StorageStatus(storeFailure);
                    var error = JsonSerializer.SerializeToUtf8Bytes(new GeminiErrorBody(new GeminiErrorDetail(code, storeFailure.Message, status)), NanogateJsonContext.Default.GeminiErrorBody);
                    await WriteEventAsync(response, error, sse, events++).ConfigureAwait(false);
                }
            }
            catch (UpstreamException e) when (midEvent)
            {
                // Part of an event is with the caller: it cannot become an error event any more, so the response is
                // aborted (the event never got its end, so no client takes it for whole); the events before it are
                // billed, the rest of the hold goes back (as when the upstream fails between events).
                context.Abort();
                LogBrokeMidEvent(logger, request.RequestId, stream.Channel, e.Failure.Kind, events, e.Failure.Message);
            }
            catch (UpstreamException e)
            {
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

                // What was delivered is charged and the rest of the hold released, whether the upstream failed mid-stream
                // or the caller left: never a refund (a synchronous request pays only for what it delivered).
                await credits.CaptureAsync(reservation, charge, stream.Channel, Dialect.Gemini, model.Id, new SettleUsage(images, 0)).ConfigureAwait(false);
            }

            if (storeFailure is not null && events == 0)
            {
                // Nothing was sent yet: the whole answer can still be the error (the hold was released above).
                return GeminiError.StorageFailed(storeFailure);
            }

            if (!sse && !midEvent)
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

    /// <summary>An upstream failure: nothing is charged (the hold is released, not refunded: nothing was paid), and the caller gets the failure in Google's shape.</summary>
    private static async Task<IResult> ReleaseAndFailAsync(CreditHolds credits, Reservation reservation, ILogger logger, string requestId, string channel, UpstreamFailure failure)
    {
        await credits.ReleaseAsync(reservation, channel).ConfigureAwait(false);
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
        context.Response.Headers[CreditsChargedHeader] = settled.Captured.ToString(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: upstream {Channel} failed ({Kind}): {Message}")]
    private static partial void LogUpstreamFailure(ILogger logger, string requestId, string channel, UpstreamFailureKind kind, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: the media store refused an image ({Failure}); nothing charged for it")]
    private static partial void LogStoreFailed(ILogger logger, string requestId, MediaStoreFailure failure, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: upstream {Channel} broke mid-answer ({Kind}) after {Bytes} bytes, response aborted, nothing charged: {Message}")]
    private static partial void LogBrokeMidBody(ILogger logger, string requestId, string channel, UpstreamFailureKind kind, long bytes, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: upstream {Channel} stream broke inside an event ({Kind}) after {Events} whole events, response aborted, those events charged: {Message}")]
    private static partial void LogBrokeMidEvent(ILogger logger, string requestId, string channel, UpstreamFailureKind kind, int events, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: the caller left mid-answer; the upstream completed it, {Credits} credits charged")]
    private static partial void LogCallerLeft(ILogger logger, string requestId, long credits);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: {Model} served by {Channel}, {Bytes} bytes, {Credits} credits")]
    private static partial void LogServed(ILogger logger, string requestId, string model, string channel, int bytes, long credits);

    /// <summary>URL delivery bound to one request.</summary>
    private sealed class UrlDelivery(HttpRequest request, Caller caller, IMediaStore media, MediaLinks links)
    {
        public Task<ReadOnlyMemory<byte>> RewriteAsync(ReadOnlyMemory<byte> json) => GeminiImageDelivery.RewriteAsync(json, request, caller, media, links);
    }
}
