using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Routing;

namespace Nanogate.IntegrationTests.Upstreams;

/// <summary>The router over real channels talking to real loopback upstreams with distinct behaviour.</summary>
public sealed class ChannelRouterTests
{
    [Fact]
    public async Task Weights_share_a_tier_and_a_lower_tier_waits()
    {
        await using var heavy = await ScriptedUpstream.StartAsync();
        await using var light = await ScriptedUpstream.StartAsync();
        await using var backup = await ScriptedUpstream.StartAsync();
        var h = new RouterHarness();
        var router = h.Router(
            h.Channel("heavy", "gemini", heavy.BaseUrl, priority: 1, weight: 3),
            h.Channel("light", "gemini", light.BaseUrl, priority: 1, weight: 1),
            h.Channel("backup", "gemini", backup.BaseUrl, priority: 2, weight: 100));

        const int n = 2000;
        var request = RouterHarness.Request();
        await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var response = await router.GenerateContentAsync(request, ct);
            Assert.True(response.IsSuccess);
        });

        // Binomial(2000, 0.75): mean 1500, standard deviation 19.4; ±100 is more than 5 deviations
        // (a false failure about once in ten million runs), while a 1:1 split (1000) is 25 deviations off.
        Assert.InRange(heavy.Calls, 1400, 1600);
        Assert.Equal(n, heavy.Calls + light.Calls);
        Assert.Equal(0, backup.Calls);
    }

    public static TheoryData<string> RetryableFaults => ["500", "503", "429", "timeout", "malformed", "401"];

    [Theory]
    [MemberData(nameof(RetryableFaults))]
    public async Task Every_retryable_failure_fails_over_and_the_caller_sees_success(string fault)
    {
        await using var failing = await ScriptedUpstream.StartAsync(context => fault switch
        {
            "500" => ScriptedUpstream.Status(context, 500),
            "503" => ScriptedUpstream.Status(context, 503, "UNAVAILABLE"),
            "429" => ScriptedUpstream.RateLimited(context, "20s"),
            "timeout" => Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted),
            "malformed" => ScriptedUpstream.Malformed(context),
            _ => ScriptedUpstream.Status(context, 401, "UNAUTHENTICATED"),
        });
        await using var healthy = await ScriptedUpstream.StartAsync();
        var h = new RouterHarness();
        var router = h.Router(
            h.Channel("first", "gemini", failing.BaseUrl, priority: 1, timeoutSeconds: 0.5),
            h.Channel("second", "gemini", healthy.BaseUrl, priority: 2));

        using var response = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);

        Assert.True(response.IsSuccess, response.Failure?.Message);
        Assert.Equal("second", response.Channel);
        Assert.NotNull(response.Summary!.FinalImage);
        Assert.Equal(1, failing.Calls);
        Assert.Equal(1, healthy.Calls);
        Assert.Equal(1, router.Find("first")!.Failovers);
    }

    [Theory]
    [InlineData("400")]
    [InlineData("blocked")]
    public async Task A_refused_request_or_a_safety_block_never_fails_over(string fault)
    {
        await using var refusing = await ScriptedUpstream.StartAsync(context => fault == "400"
            ? ScriptedUpstream.Status(context, 400, "INVALID_ARGUMENT")
            : ScriptedUpstream.Blocked(context));
        await using var other = await ScriptedUpstream.StartAsync();
        var h = new RouterHarness();
        var router = h.Router(h.Channel("first", "gemini", refusing.BaseUrl, priority: 1), h.Channel("second", "gemini", other.BaseUrl, priority: 2));

        using var response = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);

        Assert.Equal("first", response.Channel);
        if (fault == "400")
        {
            Assert.Equal(UpstreamFailureKind.InvalidRequest, response.Failure!.Kind);
        }
        else
        {
            Assert.True(response.IsSuccess);
            Assert.Equal("IMAGE_SAFETY", response.Summary!.FinishReason);
            Assert.Null(response.Summary.FinalImage);
        }

        Assert.Equal(0, other.Calls);
    }

    [Fact]
    public async Task A_429_cools_the_channel_for_googles_retry_delay_and_no_longer()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var limited = 1;
        await using var a = await ScriptedUpstream.StartAsync(context =>
            Interlocked.Exchange(ref limited, 0) == 1 ? ScriptedUpstream.RateLimited(context, "30s") : ScriptedUpstream.Ok(context));
        await using var b = await ScriptedUpstream.StartAsync();
        var h = new RouterHarness(time);
        var router = h.Router(h.Channel("a", "gemini", a.BaseUrl, priority: 1), h.Channel("b", "gemini", b.BaseUrl, priority: 2));

        using (var first = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None))
        {
            Assert.Equal("b", first.Channel);
        }

        Assert.Equal(time.GetUtcNow().AddSeconds(30), router.CoolingUntil("a"));
        time.Advance(TimeSpan.FromSeconds(29));
        for (var i = 0; i < 5; i++)
        {
            using var response = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);
            Assert.Equal("b", response.Channel);
        }

        Assert.Equal(1, a.Calls);
        time.Advance(TimeSpan.FromSeconds(1.5));
        using (var back = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None))
        {
            Assert.Equal("a", back.Channel);
        }
    }

    [Fact]
    public async Task A_429_rests_only_that_keys_project_and_the_channel_keeps_serving_with_another()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var google = await ScriptedUpstream.StartAsync(context =>
            context.Request.Headers["x-goog-api-key"].ToString().StartsWith("p1-", StringComparison.Ordinal)
                ? ScriptedUpstream.RateLimited(context, "60s")
                : ScriptedUpstream.Ok(context));
        var h = new RouterHarness(time);
        var keys = new ChannelCredentials([new ChannelKey("p1-a", "project-1"), new ChannelKey("p1-b", "project-1"), new ChannelKey("p2-a", "project-2")]);
        var router = h.Router(h.Channel("pool", "gemini", google.BaseUrl, credentials: keys));

        for (var i = 0; i < 6; i++)
        {
            using var response = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);
            Assert.True(response.IsSuccess, response.Failure?.Message);
        }

        // At most one call reached project 1 (then its two keys rested together); the channel itself never cooled.
        var used = google.Requests.Select(r => r.Header("x-goog-api-key")).ToList();
        Assert.True(used.Count(k => k!.StartsWith("p1-", StringComparison.Ordinal)) <= 1, string.Join(",", used));
        Assert.Null(router.CoolingUntil("pool"));
        var cooldowns = ((Nanogate.Upstreams.Gemini.GeminiChannel)router.Find("pool")!.Channel).ProjectCooldowns();
        if (used.Any(k => k!.StartsWith("p1-", StringComparison.Ordinal)))
        {
            Assert.Equal(time.GetUtcNow().AddSeconds(60), cooldowns["project-1"]);
        }
    }

    [Fact]
    public async Task A_per_day_quota_cools_the_channel_until_googles_daily_reset()
    {
        // 12:00 UTC on 29 November is 04:00 in Los Angeles (PST, UTC-8): the reset is 20 hours away.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var google = await ScriptedUpstream.StartAsync(context => ScriptedUpstream.RateLimited(context, "7s", "GenerateRequestsPerDayPerProjectPerModel-FreeTier"));
        var h = new RouterHarness(time);
        var router = h.Router(h.Channel("daily", "gemini", google.BaseUrl));

        using var response = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);

        Assert.Equal(UpstreamFailureKind.RateLimited, response.Failure!.Kind);
        Assert.Equal(TimeSpan.FromHours(20), response.Failure.RetryAfter);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), router.CoolingUntil("daily"));
    }

    [Fact]
    public async Task The_breaker_opens_after_consecutive_failures_probes_when_half_open_and_closes_on_success()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        await using var flaky = await ScriptedUpstream.StartAsync(context => ScriptedUpstream.Status(context, 503, "UNAVAILABLE"));
        await using var steady = await ScriptedUpstream.StartAsync();
        var h = new RouterHarness(time);
        h.Options.BreakerFailures = 3;
        h.Options.BreakerOpenSeconds = 30;
        var router = h.Router(h.Channel("flaky", "gemini", flaky.BaseUrl, priority: 1), h.Channel("steady", "gemini", steady.BaseUrl, priority: 2));
        var breaker = router.Find("flaky")!.Breaker;

        for (var i = 0; i < 10; i++)
        {
            using var response = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);
            Assert.Equal("steady", response.Channel);
        }

        Assert.Equal(3, flaky.Calls);
        Assert.Equal(BreakerState.Open, breaker.State);

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        using (await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None))
        {
        }

        Assert.Equal(4, flaky.Calls);
        Assert.Equal(BreakerState.Open, breaker.State);

        flaky.Behave(ScriptedUpstream.Ok);
        time.Advance(TimeSpan.FromSeconds(30));
        using (var probe = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None))
        {
            Assert.Equal("flaky", probe.Channel);
        }

        Assert.Equal(BreakerState.Closed, breaker.State);
        using (var again = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None))
        {
            Assert.Equal("flaky", again.Channel);
        }
    }

    [Fact]
    public async Task A_concurrency_cap_holds_under_a_burst_and_the_overflow_is_told_to_retry()
    {
        await using var slow = await ScriptedUpstream.StartAsync(async context =>
        {
            await Task.Delay(400, context.RequestAborted);
            await ScriptedUpstream.Ok(context);
        });
        var h = new RouterHarness();
        h.Options.CapacityWaitMs = 100;
        var router = h.Router(h.Channel("capped", "gemini", slow.BaseUrl, maxConcurrency: 2));

        var calls = Enumerable.Range(0, 12).Select(async _ =>
        {
            using var response = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);
            return response.Failure;
        }).ToList();
        var failures = await Task.WhenAll(calls);

        Assert.Equal(2, slow.Peak);
        var refused = failures.Where(f => f is not null).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, f =>
        {
            Assert.Equal(UpstreamFailureKind.RateLimited, f!.Kind);
            Assert.Equal(TimeSpan.FromSeconds(1), f.RetryAfter);
        });
        Assert.Equal(12 - refused.Count, slow.Calls);
        Assert.Equal(0, router.Find("capped")!.InFlight);
    }

    [Fact]
    public async Task The_model_map_renames_the_model_for_that_channel_only()
    {
        await using var upstream = await ScriptedUpstream.StartAsync();
        var h = new RouterHarness();
        var router = h.Router(h.Channel("mapped", "gemini", upstream.BaseUrl, modelMap: new Dictionary<string, string> { [RouterHarness.Model.Id] = "their-name-for-it" }));

        using var response = await router.GenerateContentAsync(RouterHarness.Request(), CancellationToken.None);

        Assert.True(response.IsSuccess);
        Assert.Equal("/v1beta/models/their-name-for-it:generateContent", upstream.Requests.Single().PathAndQuery);
    }

    [Fact]
    public async Task A_stream_holds_its_slot_until_disposed_and_fails_over_before_the_first_event()
    {
        await using var down = await ScriptedUpstream.StartAsync(context => ScriptedUpstream.Status(context, 503, "UNAVAILABLE"));
        await using var up = await ScriptedUpstream.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: " + ScriptedUpstream.GeminiImageBody() + "\r\n\r\n", context.RequestAborted);
        });
        var h = new RouterHarness();
        var router = h.Router(h.Channel("down", "gemini", down.BaseUrl, priority: 1), h.Channel("up", "gemini", up.BaseUrl, priority: 2, maxConcurrency: 1));

        var stream = await router.StreamGenerateContentAsync(RouterHarness.Request(), CancellationToken.None);
        Assert.True(stream.IsSuccess);
        Assert.Equal("up", stream.Channel);
        Assert.Equal(1, router.Find("up")!.InFlight);
        var events = 0;
        await foreach (var _ in stream.Events)
        {
            events++;
        }

        await stream.DisposeAsync();
        Assert.Equal(1, events);
        Assert.Equal(0, router.Find("up")!.InFlight);
    }
}
