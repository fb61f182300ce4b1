using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.IntegrationTests.Upstreams;

public sealed class GeminiChannelTests(FakeGoogleUpstream upstream) : IClassFixture<FakeGoogleUpstream>, IDisposable
{
    private const string ApiKey = "AIzaSyTEST-not-a-real-key-0123456789";
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] RequestBody = Encoding.UTF8.GetBytes("""{"contents":[{"role":"user","parts":[{"text":"a cat"}]}],"generationConfig":{"responseModalities":["TEXT","IMAGE"]}}""");

    private readonly GeminiChannel _channel = Channel(upstream, TimeSpan.FromSeconds(30));

    public void Dispose() => _channel.Dispose();

    private static GeminiChannel Channel(FakeGoogleUpstream upstream, TimeSpan timeout) =>
        new("google-test", "gemini", () => upstream.BaseUrl, ApiKey, timeout, TimeSpan.FromSeconds(2), NullLogger.Instance);

    private static UpstreamRequest Request(string model) => new(model, RequestBody, "req-" + model);

    private Task<UpstreamResponse> Generate(string model) => _channel.GenerateContentAsync(Request(model), CancellationToken.None);

    [Fact]
    public async Task Recorded_image_response_comes_back_byte_for_byte()
    {
        var response = await Generate("recorded-image");

        Assert.True(response.IsSuccess, response.Failure?.Message);
        Assert.Equal("google-test", response.Channel);
        Assert.Equal(GoogleRecordings.Response(GoogleRecordings.ImageResponse).Segments[0], response.Body.ToArray());
        var summary = GeminiResponseReader.Read(response.Body.Span);
        Assert.Equal(1290, summary?.Usage?.ImageOutputTokens);
        Assert.Equal(PngSignature, summary?.FinalImage?.Data.AsSpan(0, 8).ToArray());
    }

    [Fact]
    public async Task Chunked_response_without_content_length_is_read_whole()
    {
        var response = await Generate("recorded-image-chunked");

        Assert.True(response.IsSuccess, response.Failure?.Message);
        Assert.Equal(GoogleRecordings.Response(GoogleRecordings.ImageResponse).Segments[0], response.Body.ToArray());
    }

    [Fact]
    public async Task Request_carries_the_key_header_json_body_and_the_generate_content_path()
    {
        await Generate("recorded-image");

        var seen = upstream.Requests["recorded-image"];
        Assert.Equal("/v1beta/models/recorded-image:generateContent", seen.PathAndQuery);
        Assert.Equal(ApiKey, seen.ApiKey);
        Assert.Equal("application/json", seen.ContentType);
        Assert.Equal(RequestBody, seen.Body);
    }

    [Fact]
    public async Task Channel_without_a_key_sends_no_key_header()
    {
        using var channel = new GeminiChannel("sim", "simulator", () => upstream.BaseUrl, null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), NullLogger.Instance);

        await channel.GenerateContentAsync(Request("nokey-model"), CancellationToken.None);

        Assert.Null(upstream.Requests["nokey-model"].ApiKey);
        Assert.Equal("simulator", channel.Kind);
    }

    [Fact]
    public async Task Base_url_with_a_path_prefix_is_kept()
    {
        using var channel = new GeminiChannel("sim", "simulator", () => new Uri(upstream.BaseUrl, "/v1beta/models/prefixed/"), ApiKey, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), NullLogger.Instance);

        await channel.GenerateContentAsync(Request("x"), CancellationToken.None);

        Assert.Equal("/v1beta/models/prefixed/v1beta/models/x:generateContent", upstream.Requests["prefixed/v1beta/models/x"].PathAndQuery);
    }

    [Fact]
    public async Task Rate_limit_carries_retry_info_delay()
    {
        var response = await Generate("rate-limited");

        Assert.Equal(UpstreamFailureKind.RateLimited, response.Failure?.Kind);
        Assert.Equal(TimeSpan.FromSeconds(34), response.Failure?.RetryAfter);
        Assert.Equal(429, response.Failure?.UpstreamStatus);
        Assert.Contains("exceeded your current quota", response.Failure?.Message, StringComparison.Ordinal);
        Assert.True(response.Body.IsEmpty);
    }

    [Fact]
    public async Task Rate_limit_with_fractional_retry_delay_is_exact()
    {
        var response = await Generate("rate-limited-fractional");

        Assert.Equal(TimeSpan.FromSeconds(1.5), response.Failure?.RetryAfter);
    }

    [Fact]
    public async Task Rate_limit_without_retry_info_falls_back_to_the_retry_after_header()
    {
        var response = await Generate("rate-limited-header");

        Assert.Equal(UpstreamFailureKind.RateLimited, response.Failure?.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Failure?.RetryAfter);
    }

    [Theory]
    [InlineData("internal", UpstreamFailureKind.Unavailable, 500)]
    [InlineData("bad-gateway", UpstreamFailureKind.Unavailable, 502)]
    [InlineData("unavailable", UpstreamFailureKind.Unavailable, 503)]
    [InlineData("deadline", UpstreamFailureKind.Timeout, 504)]
    [InlineData("invalid", UpstreamFailureKind.InvalidRequest, 400)]
    [InlineData("teapot", UpstreamFailureKind.InvalidRequest, 418)]
    [InlineData("denied", UpstreamFailureKind.Unauthorized, 403)]
    public async Task Upstream_status_maps_to_a_failure_kind(string model, UpstreamFailureKind kind, int status)
    {
        var response = await Generate(model);

        Assert.False(response.IsSuccess);
        Assert.Equal(kind, response.Failure?.Kind);
        Assert.Equal(status, response.Failure?.UpstreamStatus);
        Assert.False(string.IsNullOrWhiteSpace(response.Failure?.Message));
    }

    [Fact]
    public async Task Invalid_request_keeps_googles_message()
    {
        var response = await Generate("invalid");

        Assert.Equal("Invalid value at 'generation_config.image_config.image_size' (TYPE_STRING), \"9K\"", response.Failure?.Message);
    }

    [Fact]
    public async Task Unauthorized_message_never_contains_the_key()
    {
        var response = await Generate("denied");

        Assert.Equal(UpstreamFailureKind.Unauthorized, response.Failure?.Kind);
        Assert.DoesNotContain(ApiKey, response.Failure?.Message, StringComparison.Ordinal);
        Assert.Contains("does not have permission", response.Failure?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recorded_404_is_model_not_found_with_googles_message()
    {
        var response = await Generate("wrong-model-name");

        Assert.Equal(UpstreamFailureKind.ModelNotFound, response.Failure?.Kind);
        Assert.Equal(404, response.Failure?.UpstreamStatus);
        Assert.StartsWith("models/wrong-model-name is not found for API version v1beta", response.Failure?.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("array")]
    public async Task A_200_that_is_not_one_complete_object_is_malformed(string model)
    {
        var response = await Generate(model);

        Assert.Equal(UpstreamFailureKind.Malformed, response.Failure?.Kind);
        Assert.True(response.Body.IsEmpty);
    }

    [Fact]
    public async Task Body_over_the_cap_is_malformed()
    {
        using var channel = new GeminiChannel("small", "gemini", () => upstream.BaseUrl, ApiKey, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), NullLogger.Instance, maxResponseBytes: 1024);

        var declared = await channel.GenerateContentAsync(Request("recorded-image"), CancellationToken.None);
        var chunked = await channel.GenerateContentAsync(Request("recorded-image-chunked"), CancellationToken.None);

        Assert.Equal(UpstreamFailureKind.Malformed, declared.Failure?.Kind);
        Assert.Equal(UpstreamFailureKind.Malformed, chunked.Failure?.Kind);
    }

    [Fact]
    public async Task Upstream_that_never_answers_times_out_within_the_configured_limit()
    {
        using var channel = Channel(upstream, TimeSpan.FromMilliseconds(400));
        var clock = Stopwatch.StartNew();

        var response = await channel.GenerateContentAsync(Request("hangs"), CancellationToken.None);

        Assert.Equal(UpstreamFailureKind.Timeout, response.Failure?.Kind);
        Assert.Null(response.Failure?.UpstreamStatus);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Caller_cancellation_throws_instead_of_reporting_a_timeout()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _channel.GenerateContentAsync(Request("hangs"), cancel.Token));
    }

    [Fact]
    public async Task Closed_port_is_unavailable_without_secrets_in_the_message()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var channel = new GeminiChannel("gone", "gemini", () => new Uri($"http://127.0.0.1:{port}"), ApiKey, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), NullLogger.Instance);

        var response = await channel.GenerateContentAsync(Request("any"), CancellationToken.None);
        var stream = await channel.StreamGenerateContentAsync(Request("any"), CancellationToken.None);

        Assert.Equal(UpstreamFailureKind.Unavailable, response.Failure?.Kind);
        Assert.Contains("Could not reach upstream 'gone'", response.Failure?.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, response.Failure?.Message, StringComparison.Ordinal);
        Assert.Equal(UpstreamFailureKind.Unavailable, stream.Failure?.Kind);
    }

    [Fact]
    public async Task Recorded_stream_yields_one_event_per_segment_and_the_accumulator_finds_the_image()
    {
        var recorded = GoogleRecordings.Response(GoogleRecordings.ImageStream).Segments;
        await using var stream = await _channel.StreamGenerateContentAsync(Request("recorded-image"), CancellationToken.None);
        Assert.True(stream.IsSuccess, stream.Failure?.Message);

        var accumulator = new GeminiStreamAccumulator();
        var index = 0;
        await foreach (var data in stream.Events)
        {
            Assert.Equal(recorded[index], data.ToArray());
            Assert.True(accumulator.Add(data.Span));
            index++;
        }

        Assert.Equal(recorded.Count, index);
        var summary = accumulator.Result;
        Assert.Equal(PngSignature, summary.FinalImage?.Data.AsSpan(0, 8).ToArray());
        Assert.Equal("image/png", summary.FinalImage?.MimeType);
        Assert.Equal(1290, summary.Usage?.ImageOutputTokens);
        Assert.Equal("STOP", summary.FinishReason);
        var seen = upstream.Requests["recorded-image"];
        Assert.Equal("/v1beta/models/recorded-image:streamGenerateContent?alt=sse", seen.PathAndQuery);
        Assert.Equal(ApiKey, seen.ApiKey);
    }

    [Fact]
    public async Task Three_megabyte_single_event_parses()
    {
        await using var stream = await _channel.StreamGenerateContentAsync(Request("big-event"), CancellationToken.None);

        var events = new List<byte[]>();
        await foreach (var data in stream.Events)
        {
            events.Add(data.ToArray());
        }

        var single = Assert.Single(events);
        Assert.Equal(FakeGoogleUpstream.BigEventJson(), single);
        var summary = GeminiResponseReader.Read(single);
        Assert.Equal("image/jpeg", summary?.FinalImage?.MimeType);
        Assert.Equal(FakeGoogleUpstream.BigEventBytes * 3 / 4, summary?.FinalImage?.Data.Length);
    }

    [Theory]
    [InlineData("rate-limited", UpstreamFailureKind.RateLimited)]
    [InlineData("unavailable", UpstreamFailureKind.Unavailable)]
    [InlineData("deadline", UpstreamFailureKind.Timeout)]
    [InlineData("invalid", UpstreamFailureKind.InvalidRequest)]
    [InlineData("denied", UpstreamFailureKind.Unauthorized)]
    [InlineData("wrong-model-name", UpstreamFailureKind.ModelNotFound)]
    public async Task Stream_refused_before_the_first_event_is_a_failed_stream(string model, UpstreamFailureKind kind)
    {
        await using var stream = await _channel.StreamGenerateContentAsync(Request(model), CancellationToken.None);

        Assert.False(stream.IsSuccess);
        Assert.Equal(kind, stream.Failure?.Kind);
        await foreach (var unused in stream.Events)
        {
            Assert.Fail("A failed stream has no events.");
        }
    }

    [Fact]
    public async Task Stream_rate_limit_keeps_the_retry_delay()
    {
        await using var stream = await _channel.StreamGenerateContentAsync(Request("rate-limited"), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(34), stream.Failure?.RetryAfter);
    }

    [Fact]
    public async Task Stream_that_stalls_mid_way_throws_a_timeout_upstream_exception()
    {
        using var channel = Channel(upstream, TimeSpan.FromSeconds(3));
        await using var stream = await channel.StreamGenerateContentAsync(Request("stalls-after-one-event"), CancellationToken.None);
        Assert.True(stream.IsSuccess);
        var events = 0;

        var thrown = await Assert.ThrowsAsync<UpstreamException>(async () =>
        {
            await foreach (var unused in stream.Events)
            {
                events++;
            }
        });

        Assert.Equal(1, events);
        Assert.Equal(UpstreamFailureKind.Timeout, thrown.Failure.Kind);
    }

    [Fact]
    public async Task Stream_caller_cancellation_throws_operation_canceled()
    {
        using var cancel = new CancellationTokenSource();
        await using var stream = await _channel.StreamGenerateContentAsync(Request("stalls-after-one-event"), cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var unused in stream.Events)
            {
                await cancel.CancelAsync();
            }
        });
    }

    [Fact]
    public async Task Stream_enumerator_cancellation_throws_operation_canceled()
    {
        using var cancel = new CancellationTokenSource();
        await using var stream = await _channel.StreamGenerateContentAsync(Request("stalls-after-one-event"), CancellationToken.None);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var unused in stream.Events.WithCancellation(cancel.Token))
            {
                await cancel.CancelAsync();
            }
        });
    }

    [Fact]
    public void Options_name_the_bad_setting()
    {
        var options = new GeminiChannelOptions { Name = "g", Kind = "vertex", BaseUrl = new Uri("ftp://x"), RequestTimeout = TimeSpan.Zero };

        var errors = options.Validate();

        Assert.Contains(errors, e => e.StartsWith("Kind", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("BaseUrl", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("RequestTimeout", StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new GeminiChannel(options, NullLogger.Instance));
    }

    [Fact]
    public async Task Channel_built_from_options_calls_the_configured_upstream()
    {
        using var channel = new GeminiChannel(new GeminiChannelOptions { Name = "opt", BaseUrl = upstream.BaseUrl, ApiKey = ApiKey }, NullLogger.Instance);

        var response = await channel.GenerateContentAsync(Request("recorded-image"), CancellationToken.None);

        Assert.True(response.IsSuccess);
        Assert.Equal("opt", response.Channel);
        Assert.Equal("gemini", channel.Kind);
    }
}
