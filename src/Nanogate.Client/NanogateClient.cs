using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Nanogate.Client;

/// <summary>
/// A typed client for Nanogate's task API (and any platform speaking the same task shape): submit, wait, poll,
/// cancel and list tasks, read the catalog and the account, download images. Thread-safe; one per base URL and key.
/// Every call takes a <see cref="CancellationToken"/> and is bounded by <see cref="NanogateClientOptions.RequestTimeout"/>;
/// refusals throw <see cref="NanogateException"/> (or a subclass) with the server's code, message and request id.
/// </summary>
public sealed class NanogateClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly NanogateClientOptions _options;
    private readonly Uri _base;
    private readonly TimeProvider _time;

    /// <summary>A client with its own <see cref="HttpClient"/>.</summary>
    public NanogateClient(Uri baseAddress, string apiKey)
        : this(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, new NanogateClientOptions { BaseAddress = baseAddress, ApiKey = apiKey }, ownsHttp: true)
    {
    }

    /// <summary>A client with its own <see cref="HttpClient"/>, configured by <paramref name="options"/>.</summary>
    public NanogateClient(NanogateClientOptions options)
        : this(new HttpClient { Timeout = Timeout.InfiniteTimeSpan }, options, ownsHttp: true)
    {
    }

    /// <summary>A client over <paramref name="httpClient"/> (not disposed with the client).</summary>
    public NanogateClient(HttpClient httpClient, NanogateClientOptions options)
        : this(httpClient, options, ownsHttp: false)
    {
    }

    /// <summary>The constructor <c>services.AddNanogateClient(...)</c> uses (the typed client of <see cref="IHttpClientFactory"/>).</summary>
    [ActivatorUtilitiesConstructor]
    public NanogateClient(HttpClient httpClient, IOptions<NanogateClientOptions> options)
        : this(httpClient, options.Value, ownsHttp: false)
    {
    }

    private NanogateClient(HttpClient httpClient, NanogateClientOptions options, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        var baseAddress = options.BaseAddress ?? httpClient.BaseAddress
            ?? throw new ArgumentException("NanogateClientOptions.BaseAddress is required (such as http://localhost:8080).", nameof(options));
        if (!baseAddress.IsAbsoluteUri || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The base address must be an absolute http(s) URL, not '{baseAddress}'.", nameof(options));
        }

        _http = httpClient;
        _ownsHttp = ownsHttp;
        _options = options;
        _time = options.TimeProvider;
        var text = baseAddress.AbsoluteUri;
        _base = new Uri(text.EndsWith('/') ? text : text + "/");
    }

    /// <summary>The server's base URL (ending in <c>/</c>).</summary>
    public Uri BaseAddress => _base;

    /// <summary>The options this client runs with.</summary>
    public NanogateClientOptions Options => _options;

    /// <summary>
    /// Submits a task (<c>POST /v1/images/generations</c>). Without <see cref="SubmitOptions.PreferWaitSeconds"/> the
    /// answer comes at once (status <c>pending</c>); with it, the server holds the request until the task ends or the
    /// time passes.
    /// </summary>
    public async Task<NanogateTask> SubmitAsync(ImageTaskRequest request, SubmitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(HttpMethod.Post, Url("v1/images/generations"))
        {
            Content = JsonContent.Create(request, NanogateJsonContext.Default.ImageTaskRequest),
        };
        if (options?.IdempotencyKey is { Length: > 0 } key)
        {
            message.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        }

        var extra = TimeSpan.Zero;
        if (options?.PreferWaitSeconds is { } wait)
        {
            if (wait is < 1 or > 60)
            {
                throw new ArgumentOutOfRangeException(nameof(options), wait, "PreferWaitSeconds takes 1 to 60.");
            }

            message.Headers.TryAddWithoutValidation("Prefer", $"wait={wait.ToString(CultureInfo.InvariantCulture)}");
            extra = TimeSpan.FromSeconds(wait);
        }

        return await SendAsync(message, NanogateJsonContext.Default.NanogateTask, extra, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Submits a task and waits until it ends: <c>Prefer: wait</c> first, then polling with backoff (see
    /// <see cref="TaskWaitOptions"/>). Returns the ended task whatever its status (check <see cref="NanogateTask.Status"/>).
    /// </summary>
    /// <param name="request">What to make.</param>
    /// <param name="wait">How to wait (default: <see cref="NanogateClientOptions.Wait"/>).</param>
    /// <param name="progress">Told each state seen, the submit's answer first.</param>
    /// <param name="idempotencyKey">An <c>Idempotency-Key</c> for the submit.</param>
    /// <param name="cancellationToken">Stops the wait (the task goes on; cancel it with <see cref="CancelTaskAsync"/>).</param>
    /// <exception cref="TimeoutException">The task did not end within <see cref="TaskWaitOptions.Timeout"/>.</exception>
    public async Task<NanogateTask> GenerateAsync(
        ImageTaskRequest request, TaskWaitOptions? wait = null, IProgress<NanogateTask>? progress = null, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        wait = (wait ?? _options.Wait).Validated();
        var started = _time.GetTimestamp();
        var submitted = await SubmitAsync(
            request,
            new SubmitOptions { IdempotencyKey = idempotencyKey, PreferWaitSeconds = wait.PreferWaitSeconds > 0 ? wait.PreferWaitSeconds : null },
            cancellationToken).ConfigureAwait(false);
        progress?.Report(submitted);
        return submitted.IsFinal
            ? submitted
            : await PollAsync(submitted.TaskId, wait, started, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Polls <c>GET /v1/tasks/{id}</c> with backoff until the task ends, and returns it.</summary>
    /// <exception cref="TimeoutException">The task did not end within <see cref="TaskWaitOptions.Timeout"/>.</exception>
    public Task<NanogateTask> WaitForTaskAsync(string taskId, TaskWaitOptions? wait = null, IProgress<NanogateTask>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return PollAsync(taskId, (wait ?? _options.Wait).Validated(), _time.GetTimestamp(), progress, cancellationToken);
    }

    /// <summary>One task (<c>GET /v1/tasks/{id}</c>).</summary>
    public Task<NanogateTask> GetTaskAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return GetAsync("v1/tasks/" + Uri.EscapeDataString(taskId), NanogateJsonContext.Default.NanogateTask, cancellationToken);
    }

    /// <summary>A page of the caller's tasks, newest first (<c>GET /v1/tasks</c>).</summary>
    public Task<TaskList> ListTasksAsync(TaskListQuery? query = null, CancellationToken cancellationToken = default)
    {
        var parts = new List<string>();
        if (query?.Status is { Length: > 0 } status)
        {
            parts.Add("status=" + Uri.EscapeDataString(status));
        }

        if (query?.Limit is { } limit)
        {
            parts.Add("limit=" + limit.ToString(CultureInfo.InvariantCulture));
        }

        if (query?.After is { Length: > 0 } after)
        {
            parts.Add("after=" + Uri.EscapeDataString(after));
        }

        return GetAsync("v1/tasks" + (parts.Count > 0 ? "?" + string.Join('&', parts) : ""), NanogateJsonContext.Default.TaskList, cancellationToken);
    }

    /// <summary>Every task matching <paramref name="query"/>, page after page.</summary>
    public async IAsyncEnumerable<NanogateTask> ListAllTasksAsync(TaskListQuery? query = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var page = new TaskListQuery { Status = query?.Status, Limit = query?.Limit, After = query?.After };
        while (true)
        {
            var list = await ListTasksAsync(page, cancellationToken).ConfigureAwait(false);
            foreach (var task in list.Data)
            {
                yield return task;
            }

            if (!list.HasMore || list.NextCursor is null)
            {
                yield break;
            }

            page.After = list.NextCursor;
        }
    }

    /// <summary>
    /// Cancels a task (<c>POST /v1/tasks/{id}/cancel</c>): images not yet started are canceled and refunded; images
    /// already being made finish. Returns the task; canceling an ended task changes nothing.
    /// </summary>
    public async Task<NanogateTask> CancelTaskAsync(string taskId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        using var message = new HttpRequestMessage(HttpMethod.Post, Url($"v1/tasks/{Uri.EscapeDataString(taskId)}/cancel"));
        return await SendAsync(message, NanogateJsonContext.Default.NanogateTask, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The catalog (<c>GET /v1/models</c>): models, aliases, ratios, sizes, prices.</summary>
    public Task<ModelList> ListModelsAsync(CancellationToken cancellationToken = default) =>
        GetAsync("v1/models", NanogateJsonContext.Default.ModelList, cancellationToken);

    /// <summary>One model by id or alias (<c>GET /v1/models/{model}</c>).</summary>
    public Task<ModelInfo> GetModelAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return GetAsync("v1/models/" + Uri.EscapeDataString(model), NanogateJsonContext.Default.ModelInfo, cancellationToken);
    }

    /// <summary>The caller's account and balance (<c>GET /v1/account</c>).</summary>
    public Task<AccountInfo> GetAccountAsync(CancellationToken cancellationToken = default) =>
        GetAsync("v1/account", NanogateJsonContext.Default.AccountInfo, cancellationToken);

    /// <summary>The account's webhook signing secret (<c>whsec_…</c>), for <see cref="WebhookVerifier"/>.</summary>
    public async Task<string> GetWebhookSecretAsync(CancellationToken cancellationToken = default) =>
        (await GetAsync("v1/webhook-secret", NanogateJsonContext.Default.WebhookSecret, cancellationToken).ConfigureAwait(false)).Secret;

    /// <summary>Downloads an image's bytes.</summary>
    public async Task<byte[]> DownloadImageAsync(TaskImage image, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await DownloadImageAsync(image, buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>Streams an image's bytes into <paramref name="destination"/> (a file stream, say) without holding them in memory.</summary>
    public async Task DownloadImageAsync(TaskImage image, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(destination);
        var url = image.Url ?? throw new ArgumentException($"Image {image.Index} has no URL (status {image.Status}).", nameof(image));
        using var timeout = Deadline(TimeSpan.Zero, cancellationToken);
        try
        {
            // A signed link needs no key; the key is not sent, so a link on another host never sees it.
            using var message = new HttpRequestMessage(HttpMethod.Get, url.IsAbsoluteUri ? url : new Uri(_base, url));
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorAsync(response, timeout.Token).ConfigureAwait(false);
            }

            var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await body.CopyToAsync(destination, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(e);
        }
    }

    /// <summary>Saves an image to <paramref name="path"/> (created or overwritten) and returns the path.</summary>
    public async Task<string> SaveImageAsync(TaskImage image, string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            await DownloadImageAsync(image, file, cancellationToken).ConfigureAwait(false);
        }

        return path;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<NanogateTask> PollAsync(string taskId, TaskWaitOptions wait, long started, IProgress<NanogateTask>? progress, CancellationToken cancellationToken)
    {
        var pause = wait.InitialPollInterval;
        while (true)
        {
            var left = wait.Timeout - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Task {taskId} did not end within {wait.Timeout.TotalSeconds:0.#} s; it goes on (poll it, or cancel it).");
            }

            await Task.Delay(pause < left ? pause : left, _time, cancellationToken).ConfigureAwait(false);
            var task = await GetTaskAsync(taskId, cancellationToken).ConfigureAwait(false);
            progress?.Report(task);
            if (task.IsFinal)
            {
                return task;
            }

            pause = TimeSpan.FromTicks(Math.Min((long)(pause.Ticks * wait.BackoffFactor), wait.MaxPollInterval.Ticks));
        }
    }

    private Uri Url(string relative) => new(_base, relative);

    private async Task<T> GetAsync<T>(string relative, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, Url(relative));
        return await SendAsync(message, type, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpRequestMessage message, JsonTypeInfo<T> type, TimeSpan extraTime, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }

        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        message.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        using var timeout = Deadline(extraTime, cancellationToken);
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorAsync(response, timeout.Token).ConfigureAwait(false);
            }

            try
            {
                return await response.Content.ReadFromJsonAsync(type, timeout.Token).ConfigureAwait(false)
                    ?? throw new NanogateException("The server answered null.", "invalid_response", response.StatusCode, requestId: RequestId(response));
            }
            catch (JsonException e)
            {
                throw new NanogateException($"The server's answer is not the expected JSON: {e.Message}", "invalid_response", response.StatusCode, requestId: RequestId(response), innerException: e);
            }
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw TimedOut(e);
        }
    }

    private CancellationTokenSource Deadline(TimeSpan extraTime, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_options.RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            source.CancelAfter(_options.RequestTimeout + extraTime);
        }

        return source;
    }

    private TimeoutException TimedOut(Exception inner) =>
        new($"Nanogate did not answer within {_options.RequestTimeout.TotalSeconds:0.###} s (NanogateClientOptions.RequestTimeout).", inner);

    private static string? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-request-id", out var values) ? values.FirstOrDefault() : null;

    /// <summary>The typed exception for a refusal, with the server's code, message and param when its body says them.</summary>
    private async Task<NanogateException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var requestId = RequestId(response);
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            text = "";
        }

        ErrorBody? body = null;
        try
        {
            body = text.Length > 0 ? JsonSerializer.Deserialize(text, NanogateJsonContext.Default.ErrorEnvelope)?.Error : null;
        }
        catch (JsonException)
        {
        }

        var code = body?.Code.ValueKind == JsonValueKind.String ? body.Code.GetString()
            : body?.Code.ValueKind == JsonValueKind.Number ? body.Type : null;
        code ??= body?.Type ?? "http_" + ((int)status).ToString(CultureInfo.InvariantCulture);
        var message = body?.Message is { Length: > 0 } m ? m
            : $"HTTP {(int)status} {response.ReasonPhrase}" + (text.Length > 0 ? ": " + (text.Length > 300 ? text[..300] + "…" : text) : "");
        var param = body?.Param;
        return status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new NanogateAuthenticationException(message, code, status, param, requestId),
            HttpStatusCode.PaymentRequired => new NanogateInsufficientCreditsException(message, code, status, param, requestId),
            HttpStatusCode.NotFound => new NanogateNotFoundException(message, code, status, param, requestId),
            HttpStatusCode.Conflict => new NanogateConflictException(message, code, status, param, requestId),
            HttpStatusCode.TooManyRequests => new NanogateRateLimitException(message, code, status, param, requestId, RetryAfter(response, _time)),
            HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity or HttpStatusCode.RequestEntityTooLarge
                => new NanogateInvalidRequestException(message, code, status, param, requestId),
            >= HttpStatusCode.InternalServerError => new NanogateServerException(message, code, status, param, requestId),
            _ => new NanogateException(message, code, status, param, requestId),
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time) =>
        response.Headers.RetryAfter?.Delta
        ?? (response.Headers.RetryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
}
