using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Nanogate.Bench;

/// <summary>One request shape: the same bytes are sent on every iteration.</summary>
internal sealed record RequestSpec(HttpMethod Method, Uri Uri, byte[]? Body, IReadOnlyList<KeyValuePair<string, string>> Headers, int ExpectedStatus = 200)
{
    public HttpRequestMessage Create()
    {
        var request = new HttpRequestMessage(Method, Uri) { Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return request;
    }
}

/// <summary>One measurement: a closed loop of N workers for a fixed time.</summary>
internal sealed record Measurement(
    int Concurrency,
    double Seconds,
    long Requests,
    long Errors,
    long ResponseBytes,
    double Rps,
    double P50Ms,
    double P90Ms,
    double P99Ms,
    double MaxMs,
    long PeakRssKb,
    string? FirstError,
    double? TargetCpuMsPerRequest = null,
    double? UpstreamCpuMsPerRequest = null,
    double? HarnessCpuMsPerRequest = null,
    double? TargetAllocatedKbPerRequest = null);

/// <summary>
/// The in-process load generator: HttpClient over SocketsHttpHandler (one connection per worker,
/// no proxy), N workers in a closed loop, every latency kept in a preallocated array. Requests
/// count when they complete inside the measured window (after the warm-up); the body is always
/// read to the end and discarded.
/// </summary>
internal static class LoadGenerator
{
    private const int Capacity = 1 << 22;
    private static readonly long[] Latencies = new long[Capacity];

    /// <param name="spec">The request every worker sends.</param>
    /// <param name="concurrency">How many requests are in flight at once.</param>
    /// <param name="warmup">How long requests run before the measured window.</param>
    /// <param name="duration">The measured window.</param>
    /// <param name="rssPid">The target's root process: its tree's peak RSS and CPU time are measured.</param>
    /// <param name="upstreamPid">The upstream behind the target (the simulator), whose CPU time is measured too.</param>
    /// <param name="metrics">A Nanogate's <c>/metrics</c>: its <c>dotnet_gc_heap_total_allocated_bytes_total</c> is read before and after the window.</param>
    public static async Task<Measurement> RunAsync(RequestSpec spec, int concurrency, TimeSpan warmup, TimeSpan duration, int? rssPid, int? upstreamPid = null, Uri? metrics = null)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = concurrency,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        var state = new RunState();
        var sampler = rssPid is { } pid && ProcMemory.Available ? new RssSampler(pid) : null;
        try
        {
            var workers = new Task[concurrency];
            for (var i = 0; i < concurrency; i++)
            {
                workers[i] = Task.Run(() => WorkerAsync(client, spec, state));
            }

            await Task.Delay(warmup).ConfigureAwait(false);
            var allocatedStart = await AllocatedBytesAsync(client, metrics).ConfigureAwait(false);
            var cpuStart = CpuNow(sampler, upstreamPid);
            Interlocked.Exchange(ref state.MeasureStart, Stopwatch.GetTimestamp());
            Volatile.Write(ref state.Phase, 1);
            await Task.Delay(duration).ConfigureAwait(false);
            var end = Stopwatch.GetTimestamp();
            var cpuEnd = CpuNow(sampler, upstreamPid);
            var allocatedEnd = await AllocatedBytesAsync(client, metrics).ConfigureAwait(false);
            Interlocked.Exchange(ref state.MeasureEnd, end);
            Volatile.Write(ref state.Phase, 2);
            await Task.WhenAll(workers).ConfigureAwait(false);

            var seconds = Stopwatch.GetElapsedTime(state.MeasureStart, end).TotalSeconds;
            var count = (int)Math.Min(Interlocked.Read(ref state.Recorded), Capacity);
            Array.Sort(Latencies, 0, count);
            var total = Interlocked.Read(ref state.Completed);
            return new Measurement(
                concurrency,
                seconds,
                total,
                Interlocked.Read(ref state.Errors),
                Interlocked.Read(ref state.Bytes),
                total / seconds,
                Percentile(count, 0.50),
                Percentile(count, 0.90),
                Percentile(count, 0.99),
                count == 0 ? double.NaN : Ms(Latencies[count - 1]),
                sampler?.PeakKb ?? 0,
                state.FirstError,
                PerRequest(cpuEnd.Target - cpuStart.Target, total, sampler is not null),
                PerRequest(cpuEnd.Upstream - cpuStart.Upstream, total, upstreamPid is not null),
                PerRequest(cpuEnd.Harness - cpuStart.Harness, total, true),
                allocatedStart is { } a0 && allocatedEnd is { } a1 && total > 0 ? (a1 - a0) / 1024.0 / total : null);
        }
        finally
        {
            if (sampler is not null)
            {
                await sampler.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The runtime's count of the bytes a process allocated so far.</summary>
    public const string AllocatedBytes = "dotnet_gc_heap_total_allocated_bytes_total";

    /// <summary>The target's <see cref="AllocatedBytes"/> (the requests in flight meanwhile blur it by one window's edge).</summary>
    private static async Task<long?> AllocatedBytesAsync(HttpClient client, Uri? metrics) =>
        await MetricAsync(client, metrics, AllocatedBytes).ConfigureAwait(false) is { } bytes ? (long)bytes : null;

    /// <summary><see cref="MetricAsync"/> summed over several processes, or null if one of them cannot be read.</summary>
    public static async Task<double?> SumMetricAsync(HttpClient client, IEnumerable<Uri> metrics, string name)
    {
        double sum = 0;
        foreach (var uri in metrics)
        {
            if (await MetricAsync(client, uri, name).ConfigureAwait(false) is not { } value)
            {
                return null;
            }

            sum += value;
        }

        return sum;
    }

    /// <summary>One unlabelled series of a Nanogate process's Prometheus <c>/metrics</c>, or null if it cannot be read.</summary>
    public static async Task<double?> MetricAsync(HttpClient client, Uri? metrics, string name)
    {
        if (metrics is null)
        {
            return null;
        }

        try
        {
            var text = await client.GetStringAsync(metrics).ConfigureAwait(false);
            foreach (var line in text.Split('\n'))
            {
                // The exporter writes the series with or without an empty label set: "name{} 123" or "name 123".
                if (line.StartsWith(name, StringComparison.Ordinal)
                    && line[name.Length..] is var rest
                    && (rest.StartsWith(' ') || rest.StartsWith("{} ", StringComparison.Ordinal)))
                {
                    return double.Parse(rest.AsSpan(rest.IndexOf(' ') + 1), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (HttpRequestException)
        {
        }

        return null;
    }

    /// <summary>CPU seconds used so far by the target's tree, the upstream and this harness.</summary>
    private static (double Target, double Upstream, double Harness) CpuNow(RssSampler? target, int? upstreamPid) =>
        (target?.Pids.Sum(ProcCpu.Seconds) ?? 0,
         upstreamPid is { } u ? ProcCpu.Seconds(u) : 0,
         Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);

    private static double? PerRequest(double cpuSeconds, long requests, bool known) =>
        known && requests > 0 ? Math.Round(cpuSeconds * 1000 / requests, 4) : null;

    private static async Task WorkerAsync(HttpClient client, RequestSpec spec, RunState state)
    {
        var buffer = new byte[64 * 1024];
        while (Volatile.Read(ref state.Phase) < 2)
        {
            var started = Stopwatch.GetTimestamp();
            long bytes = 0;
            string? error = null;
            try
            {
                using var request = spec.Create();
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                    {
                        bytes += read;
                    }
                }

                if ((int)response.StatusCode != spec.ExpectedStatus)
                {
                    error = $"HTTP {(int)response.StatusCode}";
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                error = e.GetType().Name + ": " + e.Message;
            }

            var finished = Stopwatch.GetTimestamp();
            if (Volatile.Read(ref state.Phase) == 1 && finished >= Interlocked.Read(ref state.MeasureStart))
            {
                Interlocked.Increment(ref state.Completed);
                Interlocked.Add(ref state.Bytes, bytes);
                if (error is null)
                {
                    var slot = Interlocked.Increment(ref state.Recorded) - 1;
                    if (slot < Capacity)
                    {
                        Latencies[slot] = finished - started;
                    }
                }
                else
                {
                    Interlocked.Increment(ref state.Errors);
                    Interlocked.CompareExchange(ref state.FirstError, error, null);
                }
            }

            if (error is not null)
            {
                await Task.Delay(5).ConfigureAwait(false); // a failing target must not turn the loop into a spin
            }
        }
    }

    private static double Percentile(int count, double p)
    {
        if (count == 0)
        {
            return double.NaN;
        }

        var index = Math.Clamp((int)Math.Ceiling(p * count) - 1, 0, count - 1);
        return Ms(Latencies[index]);
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private sealed class RunState
    {
        public int Phase;
        public long MeasureStart = long.MaxValue;
        public long MeasureEnd;
        public long Completed;
        public long Recorded;
        public long Errors;
        public long Bytes;
        public string? FirstError;
    }
}
