using System.Globalization;
using Nanogate.Auth;
using Nanogate.Billing;
using Nanogate.Core.Catalog;
using Nanogate.Generation;
using Nanogate.Media;
using Nanogate.Pipeline;
using Nanogate.Storage.Ledger;
using Nanogate.Upstreams.Routing;

namespace Nanogate.OpenAi;

/// <summary>
/// Runs an OpenAI images job: holds n × the price per image, makes the n images concurrently
/// (each its own upstream call), charges only the images made, and answers in OpenAI's shape.
/// </summary>
internal sealed partial class OpenAiImageRunner(
    CreditHolds credits, ImageGenerator generator, ChannelRouter router, IMediaStore media, MediaLinks links, TimeProvider time, ILogger<OpenAiImageRunner> logger)
{
    /// <summary>The answer for one job.</summary>
    public async Task<IResult> RunAsync(HttpContext context, Caller caller, OpenAiImageJob job)
    {
        var request = job.Request;
        var price = (long)request.PricePerImage;
        var hold = price * request.N;
        var reservation = await credits.TryHoldAsync(caller, hold, request.N, "openai:images", request.Model.Id, context.RequestAborted).ConfigureAwait(false);
        if (reservation is null)
        {
            return OpenAiError.InsufficientQuota(hold, await credits.AvailableAsync(caller.AccountId, context.RequestAborted).ConfigureAwait(false));
        }

        var outcomes = new ImageOutcome[request.N];
        var made = 0;
        try
        {
            await Task.WhenAll(Enumerable.Range(0, request.N).Select(async i =>
            {
                outcomes[i] = await GenerateOneAsync(request, $"{context.TraceIdentifier}.{i}", i, context.RequestAborted).ConfigureAwait(false);
                if (outcomes[i].Image is not null)
                {
                    Interlocked.Increment(ref made);
                }
            })).ConfigureAwait(false);
        }
        catch
        {
            // The caller left (or a bug): the images the upstream made are billed, the rest released.
            var madeSoFar = Volatile.Read(ref made);
            await credits.CaptureAsync(reservation, price * madeSoFar, outcomes.FirstOrDefault(o => o?.Image is not null)?.Image!.Channel, Dialect.OpenAi, request.Model.Id, new SettleUsage(madeSoFar, 0)).ConfigureAwait(false);
            throw;
        }

        // With URL delivery every image is stored before anything is charged: one the media store refused
        // (full, read-only, unreachable) was never delivered, so it counts as failed and is not billed.
        var entries = new OpenAiImageEntry?[request.N];
        try
        {
            await StoreAsync(job, request, caller, context, outcomes, entries).ConfigureAwait(false);
        }
        catch
        {
            // Something other than the store's own refusal (a bug, a signing failure): nothing reaches the caller,
            // so the whole hold is released now rather than left to the abandoned-hold sweeper.
            await credits.ReleaseAsync(reservation).ConfigureAwait(false);
            throw;
        }

        // The images delivered are charged; the rest of the hold (images the upstream failed to make, or the media store
        // refused) is released, not refunded: a synchronous request pays only for what it delivered.
        var delivered = outcomes.Count(o => o.Image is not null);
        var settled = await credits.CaptureAsync(reservation, price * delivered, outcomes.FirstOrDefault(o => o.Image is not null)?.Image!.Channel,
            Dialect.OpenAi, request.Model.Id, new SettleUsage(delivered, 0)).ConfigureAwait(false);

        var headers = context.Response.Headers;
        headers["x-nanogate-credits-charged"] = settled.Captured.ToString(CultureInfo.InvariantCulture);
        Hosting.AdjustmentsHeader.Set(context.Response, job.Adjustments);

        var images = outcomes.Where(o => o.Image is not null).Select(o => o.Image!).ToList();
        var failures = outcomes.Where(o => o.Failure is not null).Select(o => o.Failure!).ToList();
        if (images.Count == 0)
        {
            LogAllFailed(logger, context.TraceIdentifier, request.Model.Id, request.N, failures[0].Kind);
            return OpenAiError.FromFailure(failures[0]);
        }

        if (failures.Count > 0)
        {
            // OpenAI has no per-image errors: the images made are answered, the rest reported in a header.
            headers["x-nanogate-images-failed"] = string.Join("; ", failures.Select(f => f.Kind.Code()));
        }

        headers["x-nanogate-upstream"] = router.KindOf(images[0].Channel);
        headers["x-nanogate-channel"] = string.Join(", ", images.Select(i => i.Channel).Distinct(StringComparer.Ordinal));
        long input = 0, output = 0;
        foreach (var usage in images.Select(i => i.Usage).OfType<Upstreams.Gemini.GeminiUsage>())
        {
            input += usage.PromptTokens;
            output += usage.CandidatesTokens + usage.ThoughtsTokens;
        }

        var first = images[0];
        var result = new OpenAiImagesResult(
            time.GetUtcNow().ToUnixTimeSeconds(),
            [.. entries.OfType<OpenAiImageEntry>()],
            new OpenAiUsage(input, output, input + output, new OpenAiInputTokensDetails(input, 0)),
            first.Width > 0 ? $"{first.Width}x{first.Height}" : null,
            QualityOf(request.Size),
            first.MimeType switch { "image/jpeg" => "jpeg", "image/webp" => "webp", _ => "png" },
            job.Adjustments);
        LogServed(logger, context.TraceIdentifier, request.Model.Id, images.Count, request.N, settled.Captured);
        return result;
    }

    /// <summary>
    /// Fills <paramref name="entries"/> for the images made: inline bytes, or with URL delivery a stored image and its
    /// signed link. An image the media store refused (full, read-only, unreachable) becomes a failed outcome.
    /// </summary>
    private async Task StoreAsync(OpenAiImageJob job, Core.Requests.ImageRequest request, Caller caller, HttpContext context, ImageOutcome[] outcomes, OpenAiImageEntry?[] entries)
    {
        for (var i = 0; i < request.N; i++)
        {
            if (outcomes[i].Image is not { } image)
            {
                continue;
            }

            var revised = string.IsNullOrWhiteSpace(image.Text) ? request.Prompt : image.Text;
            if (!job.AsUrl)
            {
                entries[i] = new OpenAiImageEntry(image.Data, null, revised, image.MimeType, image.Width, image.Height);
                continue;
            }

            try
            {
                // The same signed media links as the task API (valid Media:LinkTtlHours, 24 h by default).
                var stored = await media.SaveAsync(caller.AccountId, image.Data, image.MimeType, image.Width, image.Height, CancellationToken.None).ConfigureAwait(false);
                entries[i] = new OpenAiImageEntry(null, links.Url(context.Request, stored.Id, stored.ExpiresAt), revised, image.MimeType, image.Width, image.Height);
            }
            catch (MediaStoreException e)
            {
                LogStoreFailed(logger, context.TraceIdentifier, i, e.Failure, e);
                outcomes[i] = ImageOutcome.Failed(e.ToImageFailure());
            }
        }
    }

    private async Task<ImageOutcome> GenerateOneAsync(Core.Requests.ImageRequest request, string requestId, int index, CancellationToken cancellationToken)
    {
        try
        {
            return await generator.GenerateAsync(request, requestId, cancellationToken, index).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogGenerationError(logger, requestId, e);
            return ImageOutcome.Failed(new ImageFailure(ImageFailureKind.UpstreamError, "The upstream call failed unexpectedly.", Retryable: true));
        }
    }

    private static string QualityOf(ImageSize size) => size switch
    {
        ImageSize.Size512 => "low",
        ImageSize.Size1K => "medium",
        _ => "high",
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Request {RequestId}: {Model} made {Made} of {Asked} images, {Credits} credits")]
    private static partial void LogServed(ILogger logger, string requestId, string model, int made, int asked, long credits);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: {Model} made none of {Asked} images (first failure {Code})")]
    private static partial void LogAllFailed(ILogger logger, string requestId, string model, int asked, ImageFailureKind code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: the media store refused image {Index} ({Failure}); not charged")]
    private static partial void LogStoreFailed(ILogger logger, string requestId, int index, MediaStoreFailure failure, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId}: image generation threw")]
    private static partial void LogGenerationError(ILogger logger, string requestId, Exception exception);
}
