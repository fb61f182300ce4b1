using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nanogate.Core.Catalog;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Upstreams.TaskRelay;

/// <summary>
/// A seed-shaped asynchronous platform (or another Nanogate's task API): <c>POST {base}/v1/images/generations</c>
/// with <c>model, prompt, aspect_ratio, resolution, n:1, image_urls</c> (references as data URIs) answers a
/// <c>task_id</c> and a <c>poll_url</c>; the poll URL is read with a growing interval (settings
/// <c>poll_interval_ms</c>, doubling by half up to <c>max_poll_interval_ms</c>) until the task ends or the
/// channel's timeout passes; the image link is downloaded under the SSRF rules. The poll URL must stay on the
/// configured host: an answer cannot steer the channel elsewhere (with its key).
/// </summary>
internal sealed class TaskRelayChannel : IUpstreamChannel, IDisposable
{
    private const int MaxPollErrors = 3;

    private readonly Uri _baseUrl;
    private readonly GeminiKeyPool _keys;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _firstPoll;
    private readonly TimeSpan _maxPoll;
    private readonly string _submitPath;
    private readonly string _pollPath;
    private readonly ChannelContext _context;
    private readonly ILogger _logger;
    private readonly UpstreamHttp _http;

    public TaskRelayChannel(ChannelDefinition definition, ChannelContext context)
    {
        Name = definition.Name;
        _baseUrl = definition.BaseUrl!;
        _keys = new GeminiKeyPool(definition.Credentials.Keys, context.Time);
        _timeout = context.TimeoutOf(definition);
        _callbacks = definition.Settings["callbacks"]?.GetValueKind() != JsonValueKind.False;
        _firstPoll = TimeSpan.FromMilliseconds(definition.NumberSetting("poll_interval_ms") ?? 500);
        _maxPoll = TimeSpan.FromMilliseconds(definition.NumberSetting("max_poll_interval_ms") ?? 5000);
        _submitPath = definition.Setting("submit_path") ?? "v1/images/generations";
        _pollPath = definition.Setting("poll_path") ?? "v1/tasks/{task_id}";
        _context = context;
        _logger = context.Loggers.CreateLogger("Nanogate.Upstreams.TaskRelay");
        _http = new UpstreamHttp(context.ConnectTimeout);
    }

    private readonly bool _callbacks;

    public string Name { get; }

    public string Kind => TaskRelayChannelKind.KindName;

    public async Task<UpstreamResponse> GenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.CoreRequest() is not { } core)
        {
            return UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.InvalidRequest, "The request has no prompt text for a task upstream."));
        }

        var key = _keys.Take();
        return await UpstreamHttp.CallAsync(Name, request, _timeout, _keys.Redact, _logger, async ct =>
        {
            var body = new Dictionary<string, object>
            {
                ["model"] = request.Model,
                ["prompt"] = core.Prompt,
                ["n"] = 1,
                ["aspect_ratio"] = core.EffectiveRatio.ToString(),
                ["resolution"] = core.Size.ToSeedWire(),
            };
            if (core.ReferenceImages.Count > 0)
            {
                body["image_urls"] = core.ReferenceImages.Select(i => $"data:{i.MimeType};base64,{Convert.ToBase64String(i.Data)}").ToArray();
            }

            // With a public address and callbacks not turned off, the upstream calls back when its task ends, which
            // wakes the next poll at once (the seeds' callback_url); polling stays the fallback.
            (string Token, Task Called)? callback = null;
            if (_context.RelayCallbacks is { } callbacks && _callbacks && _context.PublicBaseUrl() is { } publicBase)
            {
                callback = callbacks.Register();
                body["callback_url"] = $"{publicBase.TrimEnd('/')}/v1/relay-callbacks/{callback.Value.Token}";
            }

            using var submit = new HttpRequestMessage(HttpMethod.Post, Under(_submitPath))
            {
                Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, RelayJsonContext.Default.DictionaryStringObject))
                {
                    Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
                },
            };
            Authorize(submit, key);
            try
            {
                return await SubmitAndWaitAsync(submit, key, callback?.Called, ct).ConfigureAwait(false);
            }
            finally
            {
                if (callback is { } registered)
                {
                    _context.RelayCallbacks!.Forget(registered.Token);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<UpstreamStream> StreamGenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken) =>
        UpstreamStream.FromResponse(await GenerateContentAsync(request, cancellationToken).ConfigureAwait(false));

    public void Dispose() => _http.Dispose();

    private Uri Under(string path) => new($"{_baseUrl.AbsoluteUri.TrimEnd('/')}/{path.TrimStart('/')}");

    private void Authorize(HttpRequestMessage message, int key)
    {
        if (key >= 0)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _keys.Key(key));
        }
    }

    private async Task<UpstreamResponse> SubmitAndWaitAsync(HttpRequestMessage submit, int key, Task? called, CancellationToken cancellationToken)
    {
        Uri poll;
        using (var response = await _http.Client.SendAsync(submit, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
        {
            if (!response.IsSuccessStatusCode)
            {
                return UpstreamResponse.Failed(Name, await UpstreamHttp.FailureAsync(response, Name, _keys.Redact, _context.Time, cancellationToken).ConfigureAwait(false));
            }

            using var json = await UpstreamHttp.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            if (json?.RootElement is not { ValueKind: JsonValueKind.Object } task || (Text(task, "task_id") ?? Text(task, "id")) is not { } taskId)
            {
                return Malformed("The task upstream's submit answer has no task_id.");
            }

            // Some platforms answer the finished task at once (Nanogate with Prefer: wait).
            if (await OutcomeAsync(task, cancellationToken).ConfigureAwait(false) is { } done)
            {
                return done;
            }

            var pollUrl = Text(task, "poll_url") ?? _pollPath.Replace("{task_id}", Uri.EscapeDataString(taskId), StringComparison.Ordinal);
            if (!Uri.TryCreate(pollUrl.StartsWith('/') ? new Uri(_baseUrl.GetLeftPart(UriPartial.Authority)) : new Uri(_baseUrl.AbsoluteUri.TrimEnd('/') + "/"), pollUrl, out poll!)
                || !string.Equals(poll.GetLeftPart(UriPartial.Authority), _baseUrl.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            {
                return Malformed("The task upstream's poll_url points to another host; it is not followed.");
            }
        }

        var interval = _firstPoll;
        var errors = 0;
        while (true)
        {
            if (called is { IsCompleted: false })
            {
                // The upstream's callback ends the wait early (and its timer with it); after it, the usual intervals
                // apply again.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(interval, _context.Time, wait.Token);
                if (await Task.WhenAny(delay, called).ConfigureAwait(false) != delay)
                {
                    await wait.CancelAsync().ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
            else
            {
                await Task.Delay(interval, _context.Time, cancellationToken).ConfigureAwait(false);
            }

            interval = TimeSpan.FromMilliseconds(Math.Min(_maxPoll.TotalMilliseconds, interval.TotalMilliseconds * 1.5));
            using var message = new HttpRequestMessage(HttpMethod.Get, poll);
            Authorize(message, key);
            using var response = await _http.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var failure = await UpstreamHttp.FailureAsync(response, Name, _keys.Redact, _context.Time, cancellationToken).ConfigureAwait(false);
                // A poll that fails now and then is the poll's problem, not the task's.
                if (failure.Kind is UpstreamFailureKind.Unavailable or UpstreamFailureKind.RateLimited or UpstreamFailureKind.Timeout && ++errors < MaxPollErrors)
                {
                    continue;
                }

                return UpstreamResponse.Failed(Name, failure with { Kind = failure.Kind == UpstreamFailureKind.RateLimited ? UpstreamFailureKind.Unavailable : failure.Kind });
            }

            errors = 0;
            using var json = await UpstreamHttp.ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            if (json?.RootElement is not { ValueKind: JsonValueKind.Object } task)
            {
                return Malformed("The task upstream's status answer is not a JSON object.");
            }

            if (await OutcomeAsync(task, cancellationToken).ConfigureAwait(false) is { } outcome)
            {
                return outcome;
            }
        }
    }

    /// <summary>The task's end as a response, or null while it runs.</summary>
    private async Task<UpstreamResponse?> OutcomeAsync(JsonElement task, CancellationToken cancellationToken)
    {
        var status = (Text(task, "status") ?? Text(task, "state") ?? "").ToLowerInvariant();
        switch (status)
        {
            case "succeeded" or "success" or "completed" or "complete" or "done" or "partially_succeeded":
                if (ImageUrl(task) is not { } link)
                {
                    return Failure(task, "The task ended without an image.");
                }

                if (!Uri.TryCreate(_baseUrl, link, out var url))
                {
                    return Malformed("The task upstream's image link is not a URL.");
                }

                byte[] bytes;
                try
                {
                    (bytes, _) = await _context.Downloader.DownloadAsync(url, UpstreamHttp.MaxJsonBytes, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException e)
                {
                    return UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.Unavailable, $"The image of upstream '{Name}' could not be downloaded: {e.Message}"));
                }

                return UpstreamHttp.Image(Name, bytes, Text(task, "text") ?? "", Text(task, "model"))
                    ?? Malformed("The task upstream's image is not a PNG, JPEG or WebP image.");
            case "failed" or "failure" or "error" or "canceled" or "cancelled" or "expired":
                return Failure(task, $"The task ended {status}.");
            default:
                return null;
        }
    }

    /// <summary>A failed task's error (its own, else its first image's) as the closed failure set.</summary>
    private UpstreamResponse Failure(JsonElement task, string fallback)
    {
        var error = task.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e
            : task.TryGetProperty("images", out var images) && images.ValueKind == JsonValueKind.Array && images.GetArrayLength() > 0
                && images[0].TryGetProperty("error", out var ie) && ie.ValueKind == JsonValueKind.Object ? ie
            : default;
        var code = error.ValueKind == JsonValueKind.Object ? Text(error, "code") : null;
        var message = _keys.Redact($"The upstream '{Name}' task failed: " + ((error.ValueKind == JsonValueKind.Object ? Text(error, "message") : null)
            ?? (task.TryGetProperty("error", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null) ?? fallback));
        return code switch
        {
            _ when UpstreamHttp.IsContentBlock(code) => UpstreamHttp.NoImage(Name, blocked: true, message),
            "no_image" => UpstreamHttp.NoImage(Name, blocked: false, message),
            "invalid_request" or "invalid_argument" => UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.InvalidRequest, message)),
            "rate_limited" => UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.RateLimited, message)),
            "timeout" => UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.Timeout, message)),
            _ => UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.Unavailable, message)),
        };
    }

    private UpstreamResponse Malformed(string message) =>
        UpstreamResponse.Failed(Name, new UpstreamFailure(UpstreamFailureKind.Malformed, $"{message} (channel '{Name}')", null, 200));

    /// <summary>The first image link of a finished task, in the shapes the seeds and Nanogate use.</summary>
    private static string? ImageUrl(JsonElement task)
    {
        foreach (var list in new[] { "images", "data", "output", "urls", "result_urls" })
        {
            if (task.TryGetProperty(list, out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        return item.GetString();
                    }

                    if (item.ValueKind == JsonValueKind.Object && (Text(item, "status") is null or "succeeded") && (Text(item, "url") ?? Text(item, "image_url")) is { } url)
                    {
                        return url;
                    }
                }
            }
        }

        if (task.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object)
        {
            return ImageUrl(result);
        }

        return Text(task, "image_url") ?? Text(task, "result_url") ?? (task.TryGetProperty("output", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
