using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// An upstream channel speaking Gemini's REST API (Google's generativelanguage API or the simulator).
/// Owns one <see cref="SocketsHttpHandler"/>: create one per channel and keep it for the process lifetime.
/// Upstream faults come back as <see cref="UpstreamFailure"/>s; only the caller's cancellation throws.
/// </summary>
public sealed class GeminiChannel : IUpstreamChannel, IDisposable
{
    /// <summary>Default cap on a response body or a single SSE event.</summary>
    public const int DefaultMaxResponseBytes = 64 * 1024 * 1024;

    private const int MaxErrorBodyBytes = 256 * 1024;
    private const int StreamReadBufferBytes = 64 * 1024;

    // What the passthrough reads before it counts a call as answered: a refusal or a text answer is whole in it.
    private const int FirstReadBytes = 16 * 1024;
    private static readonly TimeSpan DefaultRateLimitRest = TimeSpan.FromSeconds(10);

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly GeminiEndpoint _endpoint;
    private readonly TimeSpan _requestTimeout;
    private readonly int _maxResponseBytes;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpClient _client;
    private readonly GeminiFileStager _stager;

    // The size of the last whole answer per model and image size: Google answers generateContent without a
    // Content-Length, so ReadBodyAsync grew a pooled buffer from 64 KB by doubling, copying each 1.4 MB answer's bytes
    // about 1.5 times over (ReadBodyAsync's memmove was 3.5 % of the gateway's samples in a warm tasks end-to-end
    // profile). Starting at the size answers of that kind had, a little more, reads most answers with no copy at all.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Model, int Size), int> _answerSizes = new();

    /// <summary>Creates a channel.</summary>
    /// <param name="name">Unique channel name.</param>
    /// <param name="kind">"gemini" or "simulator".</param>
    /// <param name="baseUrl">Returns the base URL (e.g. https://generativelanguage.googleapis.com); asked on every call.</param>
    /// <param name="apiKey">Sent as <c>x-goog-api-key</c>; none when null or empty.</param>
    /// <param name="requestTimeout">Limit for a whole call, including reading the body or the whole stream.</param>
    /// <param name="connectTimeout">Limit for establishing a connection.</param>
    /// <param name="logger">Where to log (sizes and statuses only).</param>
    /// <param name="maxResponseBytes">Largest body or SSE event accepted; larger is <see cref="UpstreamFailureKind.Malformed"/>.</param>
    public GeminiChannel(
        string name,
        string kind,
        Func<Uri> baseUrl,
        string? apiKey,
        TimeSpan requestTimeout,
        TimeSpan connectTimeout,
        ILogger logger,
        int maxResponseBytes = DefaultMaxResponseBytes)
        : this(
            name,
            kind,
            new GoogleAiEndpoint(baseUrl ?? throw new ArgumentNullException(nameof(baseUrl)), new GeminiKeyPool(string.IsNullOrEmpty(apiKey) ? [] : [new Routing.ChannelKey(apiKey)], TimeProvider.System)),
            requestTimeout,
            connectTimeout,
            logger,
            maxResponseBytes)
    {
    }

    /// <summary>Creates a channel sending to <paramref name="endpoint"/> (its URL shape and credentials).</summary>
    internal GeminiChannel(
        string name,
        string kind,
        GeminiEndpoint endpoint,
        TimeSpan requestTimeout,
        TimeSpan connectTimeout,
        ILogger logger,
        int maxResponseBytes = DefaultMaxResponseBytes,
        TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(requestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(connectTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxResponseBytes, 0);

        Name = name;
        Kind = kind;
        _endpoint = endpoint;
        _time = time ?? TimeProvider.System;
        _requestTimeout = requestTimeout;
        _maxResponseBytes = maxResponseBytes;
        _logger = logger;
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
        };
        _client = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
        _stager = new GeminiFileStager(_client, endpoint, name, logger, _time);
    }

    /// <summary>Creates a channel from bound options (fixed base URL).</summary>
    public GeminiChannel(GeminiChannelOptions options, ILogger logger)
        : this(
            ValidOptions(options).Name,
            options.Kind,
            () => options.BaseUrl!,
            options.ApiKey,
            options.RequestTimeout,
            options.ConnectTimeout,
            logger,
            options.MaxResponseBytes)
    {
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Kind { get; }

    /// <inheritdoc />
    public int? MaxReferenceImageBytes => _endpoint.FilesRoot is null ? _endpoint.MaxInlineImageBytes : null;

    /// <summary>The projects resting after a 429, and until when (for the admin API).</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> ProjectCooldowns() => _endpoint.Resting();

    /// <inheritdoc />
    public async Task<UpstreamResponse> GenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = -1;
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);

        UpstreamFailure failure;
        GeminiStagedBody? staged = null;
        try
        {
            // Past the inline budget the largest images go through the Files API first (deleted in finally).
            var (stagedBody, stageFailure) = await _stager.StageAsync(request, timeout.Token).ConfigureAwait(false);
            if (stageFailure is not null)
            {
                throw new UpstreamException(stageFailure);
            }

            staged = stagedBody;
            using var message = CreateRequest(request, staged?.Body ?? request.Body, stream: false);
            key = await _endpoint.AuthorizeAsync(message, staged?.Key ?? -1, timeout.Token).ConfigureAwait(false);
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failure = await ReadFailureAsync(response, timeout.Token).ConfigureAwait(false);
            }
            else
            {
                var kind = (request.Model, (int)(request.Image?.Size ?? 0));
                var body = await ReadBodyAsync(response.Content, _maxResponseBytes, _answerSizes.GetValueOrDefault(kind), timeout.Token).ConfigureAwait(false);
                if (body is { } whole)
                {
                    _answerSizes[kind] = whole.Body.Length;
                }

                if (body is not { } read)
                {
                    failure = new UpstreamFailure(UpstreamFailureKind.Malformed, $"The upstream response exceeds {_maxResponseBytes} bytes.", null, 200);
                }
                // One pass validates the body and summarises it (usage for billing, the image's place).
                else if (GeminiResponseReader.Read(read.Body.Span, request.DecodeImage) is not { } summary)
                {
                    ArrayPool<byte>.Shared.Return(read.Rented);
                    failure = new UpstreamFailure(UpstreamFailureKind.Malformed, "The upstream answered 200 with a body that is not one complete JSON object.", null, 200);
                }
                else
                {
                    var elapsed = ElapsedMs(started);
                    GeminiChannelLog.Answered(_logger, Name, request.Model, request.RequestId, read.Body.Length, elapsed);
                    return UpstreamResponse.Success(Name, read.Body, read.Rented, summary);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (IsTransportFault(ex))
        {
            failure = TransportFailure(ex, timeout.IsCancellationRequested);
        }
        catch (UpstreamException ex)
        {
            failure = ex.Failure;
        }
        finally
        {
            // Success or failure, the uploaded references go (a crash leaves them to Google's 48-hour expiry).
            if (staged is not null)
            {
                await _stager.DeleteAsync(staged.Key, staged.Files).ConfigureAwait(false);
            }
        }

        var failedAfter = ElapsedMs(started);
        GeminiChannelLog.Failed(_logger, Name, request.Model, request.RequestId, failure.Kind, failure.UpstreamStatus, failedAfter);
        if (failure.Kind == UpstreamFailureKind.RateLimited)
        {
            // A 429 rests only that key's project; another project's key is tried at once (nothing was made, nothing billed).
            if (_endpoint.OnRateLimited(key, failure.RetryAfter ?? DefaultRateLimitRest))
            {
                return await GenerateContentAsync(request, cancellationToken).ConfigureAwait(false);
            }

            if (_endpoint.RestingFor() is { } resting)
            {
                failure = failure with { RetryAfter = resting };
            }
        }

        return UpstreamResponse.Failed(Name, failure);
    }

    /// <inheritdoc />
    public async Task<UpstreamBody> OpenContentAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = -1;
        var started = Stopwatch.GetTimestamp();
        // The time limit covers the whole answer and lives with the body; until the first bytes are in, the caller's
        // cancellation stops the call too, afterwards only the limit does (a caller that left may still be billed for
        // an answer the upstream completed, so the body can be read to its end).
        CancellationTokenSource? timeout = new CancellationTokenSource(_requestTimeout, _time);
        using var opening = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        HttpResponseMessage? response = null;
        GeminiBodySource? source = null;
        UpstreamFailure failure;
        GeminiStagedBody? staged = null;
        try
        {
            var (stagedBody, stageFailure) = await _stager.StageAsync(request, opening.Token).ConfigureAwait(false);
            if (stageFailure is not null)
            {
                throw new UpstreamException(stageFailure);
            }

            staged = stagedBody;
            using (var message = CreateRequest(request, staged?.Body ?? request.Body, stream: false))
            {
                key = await _endpoint.AuthorizeAsync(message, staged?.Key ?? -1, opening.Token).ConfigureAwait(false);
                response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, opening.Token).ConfigureAwait(false);
            }

            var declared = response.Content.Headers.ContentLength;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                failure = await ReadFailureAsync(response, opening.Token).ConfigureAwait(false);
            }
            else if (declared > _maxResponseBytes)
            {
                failure = new UpstreamFailure(UpstreamFailureKind.Malformed, $"The upstream response exceeds {_maxResponseBytes} bytes.", null, 200);
            }
            else
            {
                var stream = await response.Content.ReadAsStreamAsync(opening.Token).ConfigureAwait(false);
                var files = staged;
                staged = null;
                source = new GeminiBodySource(response, stream, timeout, TransportFailure, files is null ? null : () => _stager.DeleteAsync(files.Key, files.Files));

                // The first bytes are read before the call counts as answered: a body that breaks (or is not JSON)
                // at once still fails over, and a small answer (a refusal, text only) is whole before anything is sent.
                var first = source.RentFirst(FirstReadBytes);
                var read = await stream.ReadAtLeastAsync(first.AsMemory(0, FirstReadBytes), FirstReadBytes, throwOnEndOfStream: false, opening.Token).ConfigureAwait(false);
                var ended = read < FirstReadBytes || declared == read;
                var body = UpstreamBody.Open(Name, source, first.AsMemory(0, read), ended, declared);
                if (body.IsSuccess)
                {
                    var elapsed = ElapsedMs(started);
                    GeminiChannelLog.StreamOpened(_logger, Name, request.Model, request.RequestId, elapsed);
                    return body;
                }

                failure = body.Failure!;
                await body.DisposeAsync().ConfigureAwait(false);
                source = null;
                response = null;
                timeout = null;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await DisposeOpeningAsync(source, response, timeout).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex) when (IsTransportFault(ex))
        {
            failure = TransportFailure(ex, timeout!.IsCancellationRequested);
        }
        catch (UpstreamException ex)
        {
            failure = ex.Failure;
        }
        finally
        {
            if (staged is not null)
            {
                await _stager.DeleteAsync(staged.Key, staged.Files).ConfigureAwait(false);
            }
        }

        await DisposeOpeningAsync(source, response, timeout).ConfigureAwait(false);
        var failedAfter = ElapsedMs(started);
        GeminiChannelLog.Failed(_logger, Name, request.Model, request.RequestId, failure.Kind, failure.UpstreamStatus, failedAfter);
        if (failure.Kind == UpstreamFailureKind.RateLimited)
        {
            if (_endpoint.OnRateLimited(key, failure.RetryAfter ?? DefaultRateLimitRest))
            {
                return await OpenContentAsync(request, cancellationToken).ConfigureAwait(false);
            }

            if (_endpoint.RestingFor() is { } resting)
            {
                failure = failure with { RetryAfter = resting };
            }
        }

        return UpstreamBody.Failed(Name, failure);
    }

    /// <inheritdoc />
    public async Task<UpstreamStream> StreamGenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = -1;
        var started = Stopwatch.GetTimestamp();
        // The timeout covers the whole stream, so its source lives as long as the stream (the owner disposes it).
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_requestTimeout);
        HttpResponseMessage? response = null;
        UpstreamFailure failure;
        GeminiStagedBody? staged = null;
        try
        {
            var (stagedBody, stageFailure) = await _stager.StageAsync(request, timeout.Token).ConfigureAwait(false);
            if (stageFailure is not null)
            {
                throw new UpstreamException(stageFailure);
            }

            staged = stagedBody;
            using (var message = CreateRequest(request, staged?.Body ?? request.Body, stream: true))
            {
                key = await _endpoint.AuthorizeAsync(message, staged?.Key ?? -1, timeout.Token).ConfigureAwait(false);
                response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }

            if (response.StatusCode == HttpStatusCode.OK)
            {
                var elapsed = ElapsedMs(started);
                GeminiChannelLog.StreamOpened(_logger, Name, request.Model, request.RequestId, elapsed);
                // The uploaded references live as long as the stream that reads them, and go with it.
                var files = staged;
                staged = null;
                var owner = new GeminiStreamOwner(response, timeout, files is null ? null : () => _stager.DeleteAsync(files.Key, files.Files));
                var relay = new GeminiEventRelay(response.Content, ex => StreamFailure(ex, timeout), (events, kind) => LogStreamEnd(request, events, kind), _maxResponseBytes, timeout.Token, cancellationToken);
                return UpstreamStream.Open(Name, ReadEventsAsync(response, request, timeout, cancellationToken, CancellationToken.None), owner, relay);
            }

            failure = await ReadFailureAsync(response, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            timeout.Dispose();
            throw;
        }
        catch (Exception ex) when (IsTransportFault(ex))
        {
            failure = TransportFailure(ex, timeout.IsCancellationRequested);
        }
        catch (UpstreamException ex)
        {
            failure = ex.Failure;
        }
        finally
        {
            if (staged is not null)
            {
                await _stager.DeleteAsync(staged.Key, staged.Files).ConfigureAwait(false);
            }
        }

        response?.Dispose();
        timeout.Dispose();
        var failedAfter = ElapsedMs(started);
        GeminiChannelLog.Failed(_logger, Name, request.Model, request.RequestId, failure.Kind, failure.UpstreamStatus, failedAfter);
        if (failure.Kind == UpstreamFailureKind.RateLimited)
        {
            if (_endpoint.OnRateLimited(key, failure.RetryAfter ?? DefaultRateLimitRest))
            {
                return await StreamGenerateContentAsync(request, cancellationToken).ConfigureAwait(false);
            }

            if (_endpoint.RestingFor() is { } resting)
            {
                failure = failure with { RetryAfter = resting };
            }
        }

        return UpstreamStream.Failed(Name, failure);
    }

    /// <summary>Disposes the HTTP client and its connection pool.</summary>
    public void Dispose()
    {
        _client.Dispose();
        _handler.Dispose();
    }

    private static GeminiChannelOptions ValidOptions(GeminiChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0
            ? options
            : throw new ArgumentException($"Invalid Gemini channel options '{options.Name}': {string.Join(" ", errors)}", nameof(options));
    }

    private static async ValueTask DisposeOpeningAsync(GeminiBodySource? source, HttpResponseMessage? response, CancellationTokenSource? timeout)
    {
        if (source is not null)
        {
            await source.DisposeAsync().ConfigureAwait(false);
            return;
        }

        response?.Dispose();
        timeout?.Dispose();
    }

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private static bool IsTransportFault(Exception ex) =>
        ex is HttpRequestException or IOException or OperationCanceledException or System.Net.Sockets.SocketException;

    private UpstreamFailure StreamFailure(Exception ex, CancellationTokenSource timeout) =>
        ex is OperationCanceledException || timeout.IsCancellationRequested
            ? new UpstreamFailure(UpstreamFailureKind.Timeout, $"The upstream '{Name}' stream did not finish within {_requestTimeout.TotalSeconds:0.###} s.")
            : new UpstreamFailure(UpstreamFailureKind.Unavailable, Redact($"The upstream '{Name}' stream broke: {ex.Message}"));

    private void LogStreamEnd(UpstreamRequest request, int events, UpstreamFailureKind? failure)
    {
        if (failure is { } kind)
        {
            GeminiChannelLog.StreamFailed(_logger, Name, request.Model, request.RequestId, events, kind);
        }
        else
        {
            GeminiChannelLog.StreamEnded(_logger, Name, request.Model, request.RequestId, events);
        }
    }

    private HttpRequestMessage CreateRequest(UpstreamRequest request, ReadOnlyMemory<byte> body, bool stream)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, _endpoint.Address(request.Model, stream))
        {
            Content = new ReadOnlyMemoryContent(_endpoint.PrepareBody(body)),
        };
        message.Content.Headers.ContentType = JsonContentType;
        if (request.ImageIndex > 0)
        {
            message.Headers.TryAddWithoutValidation(UpstreamRequest.ImageIndexHeader, request.ImageIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return message;
    }

    private UpstreamFailure TransportFailure(Exception ex, bool timedOut)
    {
        if (ex is OperationCanceledException)
        {
            // Either our total timeout, or the handler's connect timeout (neither is the caller's cancellation).
            return new UpstreamFailure(
                UpstreamFailureKind.Timeout,
                timedOut
                    ? $"The upstream '{Name}' did not answer within {_requestTimeout.TotalSeconds:0.###} s."
                    : $"Could not connect to upstream '{Name}' in time.");
        }

        if (ex.InnerException is TimeoutException || (ex is HttpRequestException && timedOut))
        {
            return new UpstreamFailure(UpstreamFailureKind.Timeout, $"Could not connect to upstream '{Name}' in time.");
        }

        // The message of a socket error names the host and port, never the key (it travels in a header).
        return new UpstreamFailure(UpstreamFailureKind.Unavailable, Redact($"Could not reach upstream '{Name}': {ex.Message}"));
    }

    private string Redact(string message) => _endpoint.Redact(message);

    private async Task<UpstreamFailure> ReadFailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        ReadOnlyMemory<byte> body = ReadOnlyMemory<byte>.Empty;
        try
        {
            // Error bodies are small and rare: copy out of the pool at once.
            if (await ReadBodyAsync(response.Content, MaxErrorBodyBytes, 0, cancellationToken).ConfigureAwait(false) is { } read)
            {
                body = read.Body.ToArray();
                ArrayPool<byte>.Shared.Return(read.Rented);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            // The status is what matters; a broken error body only loses Google's message.
        }

        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => (TimeSpan?)null,
        };
        return GeminiErrorMapper.Map(status, body.Span, retryAfter, _endpoint.Redact, _time.GetUtcNow());
    }

    /// <summary>
    /// Reads a whole body into an array rented from the shared pool (the caller returns it); null
    /// when it exceeds <paramref name="maxBytes"/>.
    /// </summary>
    private static async Task<(ReadOnlyMemory<byte> Body, byte[] Rented)?> ReadBodyAsync(HttpContent content, int maxBytes, int sizeHint, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
        if (declared > maxBytes)
        {
            return null;
        }

        var pool = ArrayPool<byte>.Shared;
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // No Content-Length: room for an answer 1/8 larger than the last of its kind (sizeHint), at least 64 KB.
            var buffer = pool.Rent(declared is { } exact ? (int)Math.Max(exact, 1) : (int)Math.Max(64 * 1024, Math.Min(sizeHint + ((long)sizeHint >> 3), maxBytes)));
            try
            {
                if (declared is { } expected)
                {
                    var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, (int)expected), (int)expected, throwOnEndOfStream: true, cancellationToken).ConfigureAwait(false);
                    return (buffer.AsMemory(0, read), buffer);
                }

                // No Content-Length (chunked): grow by doubling, which copies each byte a bounded number of times.
                var length = 0;
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (buffer.Length >= maxBytes)
                        {
                            // Full at the cap: one more byte would be too many.
                            var probe = new byte[1];
                            if (await stream.ReadAsync(probe, cancellationToken).ConfigureAwait(false) == 0)
                            {
                                return (buffer.AsMemory(0, length), buffer);
                            }

                            pool.Return(buffer);
                            return null;
                        }

                        var bigger = pool.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes));
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        pool.Return(buffer);
                        buffer = bigger;
                    }

                    var n = await stream.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, maxBytes) - length), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        return (buffer.AsMemory(0, length), buffer);
                    }

                    length += n;
                }
            }
            catch
            {
                pool.Return(buffer);
                throw;
            }
        }
    }

    private async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadEventsAsync(
        HttpResponseMessage response,
        UpstreamRequest request,
        CancellationTokenSource timeout,
        CancellationToken callerToken,
        [EnumeratorCancellation] CancellationToken enumeratorToken)
    {
        using var linked = enumeratorToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, enumeratorToken)
            : null;
        var token = linked?.Token ?? timeout.Token;
        var events = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(StreamReadBufferBytes);
        using var parser = new SseEventParser(_maxResponseBytes);
        try
        {
            var stream = await Guard(() => response.Content.ReadAsStreamAsync(token)).ConfigureAwait(false);
            var count = 0;
            var position = 0;
            while (true)
            {
                if (position == count)
                {
                    var current = stream;
                    count = await Guard(() => current.ReadAsync(buffer, token).AsTask()).ConfigureAwait(false);
                    position = 0;
                    if (count == 0)
                    {
                        break;
                    }
                }

                bool completed;
                int consumed;
                try
                {
                    completed = parser.Feed(buffer.AsSpan(position, count - position), out consumed);
                }
                catch (InvalidDataException ex)
                {
                    throw Fail(new UpstreamFailure(UpstreamFailureKind.Malformed, ex.Message, null, 200));
                }

                position += consumed;
                if (completed)
                {
                    events++;
                    yield return parser.Event;
                }
            }

            if (parser.Complete())
            {
                events++;
                yield return parser.Event;
            }

            GeminiChannelLog.StreamEnded(_logger, Name, request.Model, request.RequestId, events);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Translates a failure while reading into the stream contract: caller cancellation propagates,
        // everything else becomes an UpstreamException.
        async Task<T> Guard<T>(Func<Task<T>> read)
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (callerToken.IsCancellationRequested || enumeratorToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (IsTransportFault(ex))
            {
                throw Fail(StreamFailure(ex, timeout));
            }
        }

        UpstreamException Fail(UpstreamFailure failure)
        {
            GeminiChannelLog.StreamFailed(_logger, Name, request.Model, request.RequestId, events, failure.Kind);
            return new UpstreamException(failure);
        }
    }
}
