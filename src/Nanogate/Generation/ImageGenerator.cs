using Nanogate.Core.Images;
using Nanogate.Core.Requests;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Generation;

/// <summary>
/// Makes one image of an <see cref="ImageRequest"/> through the channel router. Used by every dialect
/// that speaks in images rather than Gemini JSON (tasks, OpenAI); billing stays with the caller.
/// </summary>
internal sealed class ImageGenerator(ChannelRouter router)
{
    private static readonly HashSet<string> BlockedReasons = new(StringComparer.Ordinal)
    {
        "SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "IMAGE_PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_RECITATION",
    };

    /// <summary>One upstream call for one image; <paramref name="imageIndex"/> numbers the images of one request.</summary>
    public async Task<ImageOutcome> GenerateAsync(ImageRequest request, string requestId, CancellationToken cancellationToken, int imageIndex = 0)
    {
        var body = GeminiRequestBuilder.Build(request);
        var call = new UpstreamRequest(request.Model.Id, body, requestId, DecodeImage: true, imageIndex) { Image = request, CatalogModel = request.Model };
        using var response = await router.GenerateContentAsync(call, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return ImageOutcome.Failed(FromUpstream(response.Failure!));
        }

        // The channel validated the body and decoded the final image in one pass.
        var summary = response.Summary;
        if (summary is null)
        {
            return ImageOutcome.Failed(new ImageFailure(ImageFailureKind.UpstreamError, "The upstream sent an invalid response.", Retryable: true));
        }

        if (summary.BlockReason is { } block)
        {
            return ImageOutcome.Failed(new ImageFailure(ImageFailureKind.ContentBlocked, $"The prompt was blocked by the model's safety filters ({block}). Rephrase the prompt.", Retryable: false));
        }

        if (summary.FinalImage is not { Data.Length: > 0 } image)
        {
            return summary.FinishReason is { } reason && BlockedReasons.Contains(reason)
                ? ImageOutcome.Failed(new ImageFailure(ImageFailureKind.ContentBlocked, $"The image was blocked by the model's safety filters ({reason}){Detail(summary.FinishMessage)}. Rephrase the prompt.", Retryable: false))
                : ImageOutcome.Failed(new ImageFailure(ImageFailureKind.NoImage, $"The model answered without an image (finishReason {summary.FinishReason ?? "none"}){Detail(summary.FinishMessage ?? summary.Text)}. Ask for an image explicitly in the prompt.", Retryable: false));
        }

        var (mime, width, height) = ImageSniffer.TryIdentify(image.Data, out var info) ? (info.MimeType, info.Width, info.Height) : (image.MimeType, 0, 0);
        return ImageOutcome.Of(new GeneratedImage(image.Data, mime, width, height, summary.Text, summary.Usage, response.Channel));
    }

    /// <summary>The one place an upstream adapter's failure becomes an image failure (its kind carried along).</summary>
    public static ImageFailure FromUpstream(UpstreamFailure failure) => failure.Kind switch
    {
        UpstreamFailureKind.RateLimited => new(ImageFailureKind.RateLimited, $"The upstream is rate limited: {failure.Message}", true, failure.RetryAfter, failure.Kind),
        UpstreamFailureKind.Unavailable => new(ImageFailureKind.UpstreamUnavailable, $"The upstream is unavailable: {failure.Message}", true, Upstream: failure.Kind),
        UpstreamFailureKind.Timeout => new(ImageFailureKind.Timeout, $"The upstream did not answer in time: {failure.Message}", true, Upstream: failure.Kind),
        UpstreamFailureKind.Malformed => new(ImageFailureKind.UpstreamError, $"The upstream sent an invalid response: {failure.Message}", true, Upstream: failure.Kind),
        UpstreamFailureKind.InvalidRequest or UpstreamFailureKind.Unsupported => new(ImageFailureKind.InvalidRequest, failure.Message, false, Upstream: failure.Kind),
        UpstreamFailureKind.ModelNotFound => new(ImageFailureKind.InvalidRequest, failure.Message, false, Upstream: failure.Kind),
        UpstreamFailureKind.Unauthorized => new(ImageFailureKind.UpstreamUnavailable, "The upstream refused this gateway's credentials; an operator must fix the channel.", false, Upstream: failure.Kind),
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure.Kind, "An upstream failure kind without an image failure."),
    };

    private static string Detail(string? text) => string.IsNullOrWhiteSpace(text) ? "" : $": {(text.Length > 200 ? text[..200] + "…" : text)}";
}
