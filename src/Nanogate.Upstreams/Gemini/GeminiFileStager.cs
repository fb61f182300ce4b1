using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nanogate.Core.Images;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// The upload policy of a Gemini channel. A body within the upstream's inline budget goes as it is. Past it, the
/// largest images are uploaded through Google's Files API (resumable upload: <c>start</c>, then
/// <c>upload, finalize</c>) until the rest fits, and their parts become <c>fileData</c> parts naming the files;
/// the caller deletes the files after the call, whatever its outcome (<see cref="DeleteAsync"/>). A file left
/// behind by a crash expires on Google's side 48 hours after its upload. An upstream without a Files API (Vertex
/// AI) gets every image inline, and an image past its per-image cap is refused before any call.
/// </summary>
/// <remarks>
/// Memory: the images are decoded one at a time (four at once) from the body into pooled buffers and sent from
/// there; the new body holds only what stays inline (at most the budget). Nothing else is copied.
/// </remarks>
internal sealed partial class GeminiFileStager(HttpClient client, GeminiEndpoint endpoint, string channel, ILogger logger, TimeProvider time)
{
    private const int Parallelism = 4;

    // A fileData property replacing an inlineData one: the name, the type and the URI (Google's are ~80 characters).
    private const int FileDataBytes = 256;
    private static readonly TimeSpan DeleteTimeout = TimeSpan.FromSeconds(30);
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    /// <summary>
    /// The body to send for <paramref name="request"/>: null when it goes as it is, else the staged body, or a
    /// failure (an image the upstream cannot take, or a refused upload; files uploaded before it are deleted).
    /// </summary>
    public async Task<(GeminiStagedBody? Staged, UpstreamFailure? Failure)> StageAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        var budget = endpoint.InlineRequestBytes;
        var perImage = endpoint.MaxInlineImageBytes;
        var checkImages = perImage is { } cap && body.Length > (long)cap * 4 / 3;
        if (body.Length <= budget && !checkImages)
        {
            return (null, null);
        }

        var parts = GeminiInlineParts.Find(body.Span);
        if (perImage is { } max && parts.FirstOrDefault(p => p.DecodedBytes > max) is { Path: not null } tooBig)
        {
            return (null, new UpstreamFailure(UpstreamFailureKind.Unsupported,
                $"The image at {tooBig.Path} is {Megabytes(tooBig.DecodedBytes)} MB; upstream '{channel}' takes at most {Megabytes(max)} MB per inline image and has no Files API. Send smaller images, or serve this model from a Google AI (gemini) channel."));
        }

        if (body.Length <= budget || endpoint.FilesRoot is null)
        {
            return (null, null);
        }

        // The largest first: the fewest uploads that bring the body under the budget.
        var chosen = new List<GeminiInlinePart>();
        var remaining = (long)body.Length;
        foreach (var part in parts.OrderByDescending(p => p.DataLength))
        {
            if (remaining <= budget)
            {
                break;
            }

            chosen.Add(part);
            remaining -= part.End - part.Start - FileDataBytes;
        }

        if (chosen.Count == 0)
        {
            // Nothing to upload (a huge prompt): the upstream says what it thinks of the size.
            return (null, null);
        }

        var started = Stopwatch.GetTimestamp();
        var key = endpoint.TakeKey();
        var uploaded = new (GeminiInlinePart Part, string MimeType, string FileUri, string Name)?[chosen.Count];
        UpstreamFailure? failure = null;
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, chosen.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
            {
                var part = chosen[i];
                if (GeminiInlineParts.Decode(request.Body.Span, part) is not { } decoded)
                {
                    throw new UpstreamException(new UpstreamFailure(UpstreamFailureKind.InvalidRequest, $"The image at {part.Path} is not valid base64."));
                }

                try
                {
                    var mimeType = part.MimeType ?? (ImageSniffer.TryIdentify(decoded.Rented.AsSpan(0, decoded.Length), out var info) ? info.MimeType : "application/octet-stream");
                    var (name, uri) = await UploadAsync(decoded.Rented, decoded.Length, mimeType, $"nanogate-{request.RequestId}-{i}", key, ct).ConfigureAwait(false);
                    uploaded[i] = (part, mimeType, uri, name);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(decoded.Rented);
                }
            }).ConfigureAwait(false);
        }
        catch (UpstreamException e)
        {
            failure = e.Failure;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            failure = new UpstreamFailure(UpstreamFailureKind.Timeout, $"Uploading the images to upstream '{channel}' timed out.");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            failure = new UpstreamFailure(UpstreamFailureKind.Unavailable, endpoint.Redact($"Could not upload the images to upstream '{channel}': {e.Message}"));
        }
        finally
        {
            if (failure is not null || cancellationToken.IsCancellationRequested)
            {
                await DeleteAsync(key, [.. uploaded.Where(u => u is not null).Select(u => u!.Value.Name)]).ConfigureAwait(false);
            }
        }

        if (failure is not null)
        {
            return (null, failure);
        }

        var replacements = uploaded.Select(u => (u!.Value.Part, u.Value.MimeType, u.Value.FileUri)).ToList();
        var staged = new GeminiStagedBody(GeminiInlineParts.Replace(body.Span, replacements), key, [.. uploaded.Select(u => u!.Value.Name)]);
        var imageBytes = chosen.Sum(p => p.DecodedBytes);
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Log.Staged(logger, channel, request.RequestId, chosen.Count, imageBytes, body.Length, staged.Body.Length, elapsed);
        return (staged, null);
    }

    /// <summary>Deletes uploaded files (best effort, never throws: what is left expires after 48 hours).</summary>
    public async Task DeleteAsync(int key, IReadOnlyList<string> files)
    {
        if (files.Count == 0 || endpoint.FilesRoot is not { } root)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(DeleteTimeout);
        await Parallel.ForEachAsync(files, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (name, _) =>
        {
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Delete, new Uri($"{Root(root)}/v1beta/{name}"));
                await endpoint.AuthorizeAsync(message, key, timeout.Token).ConfigureAwait(false);
                using var response = await client.SendAsync(message, timeout.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    Log.DeleteFailed(logger, channel, name, $"HTTP {(int)response.StatusCode}");
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or UpstreamException)
            {
                Log.DeleteFailed(logger, channel, name, e.GetType().Name);
            }
        }).ConfigureAwait(false);
    }

    private static string Root(Uri root) => root.AbsoluteUri.TrimEnd('/');

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>One resumable upload; returns the file's name and URI, or throws <see cref="UpstreamException"/>.</summary>
    private async Task<(string Name, string Uri)> UploadAsync(byte[] data, int length, string mimeType, string displayName, int key, CancellationToken cancellationToken)
    {
        var root = Root(endpoint.FilesRoot!);
        Uri uploadUrl;
        using (var start = new HttpRequestMessage(HttpMethod.Post, new Uri($"{root}/upload/v1beta/files")))
        {
            start.Headers.TryAddWithoutValidation("X-Goog-Upload-Protocol", "resumable");
            start.Headers.TryAddWithoutValidation("X-Goog-Upload-Command", "start");
            start.Headers.TryAddWithoutValidation("X-Goog-Upload-Header-Content-Length", length.ToString(CultureInfo.InvariantCulture));
            start.Headers.TryAddWithoutValidation("X-Goog-Upload-Header-Content-Type", mimeType);
            start.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new GeminiFileStart(new GeminiFileStartFile(displayName)), GeminiFilesJsonContext.Default.GeminiFileStart));
            start.Content.Headers.ContentType = JsonContentType;
            await endpoint.AuthorizeAsync(start, key, cancellationToken).ConfigureAwait(false);
            using var response = await client.SendAsync(start, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new UpstreamException(await FailureAsync(response, cancellationToken).ConfigureAwait(false));
            }

            // The bytes go where Google says, which must be Google (the key travels with them).
            if (!response.Headers.TryGetValues("X-Goog-Upload-URL", out var urls)
                || !Uri.TryCreate(urls.FirstOrDefault(), UriKind.Absolute, out uploadUrl!)
                || !string.Equals(uploadUrl.Authority, endpoint.FilesRoot!.Authority, StringComparison.OrdinalIgnoreCase))
            {
                throw new UpstreamException(new UpstreamFailure(UpstreamFailureKind.Malformed, $"Upstream '{channel}' started an upload without an X-Goog-Upload-URL on its own host.", null, 200));
            }
        }

        GeminiFileResource? file;
        using (var upload = new HttpRequestMessage(HttpMethod.Post, uploadUrl))
        {
            upload.Headers.TryAddWithoutValidation("X-Goog-Upload-Command", "upload, finalize");
            upload.Headers.TryAddWithoutValidation("X-Goog-Upload-Offset", "0");
            upload.Content = new ByteArrayContent(data, 0, length);
            await endpoint.AuthorizeAsync(upload, key, cancellationToken).ConfigureAwait(false);
            using var response = await client.SendAsync(upload, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new UpstreamException(await FailureAsync(response, cancellationToken).ConfigureAwait(false));
            }

            file = await ReadFileAsync(response, wrapped: true, cancellationToken).ConfigureAwait(false);
        }

        // Images are ACTIVE at once; anything still PROCESSING is waited for (up to 10 s), as Google asks.
        for (var attempt = 0; file.State == "PROCESSING" && attempt < 20; attempt++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false);
            using var get = new HttpRequestMessage(HttpMethod.Get, new Uri($"{root}/v1beta/{file.Name}"));
            await endpoint.AuthorizeAsync(get, key, cancellationToken).ConfigureAwait(false);
            using var response = await client.SendAsync(get, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new UpstreamException(await FailureAsync(response, cancellationToken).ConfigureAwait(false));
            }

            file = await ReadFileAsync(response, wrapped: false, cancellationToken).ConfigureAwait(false);
        }

        if (file.State is not (null or "ACTIVE"))
        {
            throw new UpstreamException(new UpstreamFailure(UpstreamFailureKind.InvalidRequest, $"Upstream '{channel}' could not process an uploaded image ({file.Name} is {file.State})."));
        }

        return (file.Name!, file.Uri!);
    }

    private async Task<GeminiFileResource> ReadFileAsync(HttpResponseMessage response, bool wrapped, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var file = wrapped
                ? JsonSerializer.Deserialize(bytes, GeminiFilesJsonContext.Default.GeminiFileUpload)?.File
                : JsonSerializer.Deserialize(bytes, GeminiFilesJsonContext.Default.GeminiFileResource);
            if (file is { Name: not null, Uri: not null })
            {
                return file;
            }
        }
        catch (JsonException)
        {
        }

        throw new UpstreamException(new UpstreamFailure(UpstreamFailureKind.Malformed, $"Upstream '{channel}' answered an upload without a file name and uri.", null, 200));
    }

    private async Task<UpstreamFailure> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            body = [];
        }

        var failure = GeminiErrorMapper.Map((int)response.StatusCode, body, response.Headers.RetryAfter?.Delta, endpoint.Redact, time.GetUtcNow());
        return failure with { Message = $"Uploading a reference image through the Files API failed: {failure.Message}" };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2110, Level = LogLevel.Information, Message = "Upstream {Channel} request {RequestId}: {Files} images ({ImageBytes} bytes) uploaded through the Files API, body {Before} -> {After} bytes, in {ElapsedMs} ms")]
        public static partial void Staged(ILogger logger, string channel, string requestId, int files, long imageBytes, int before, int after, long elapsedMs);

        [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Upstream {Channel}: could not delete uploaded file {File} ({Reason}); it expires 48 hours after its upload")]
        public static partial void DeleteFailed(ILogger logger, string channel, string file, string reason);
    }
}
