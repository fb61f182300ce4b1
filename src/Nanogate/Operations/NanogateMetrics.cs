using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Nanogate.Operations;

/// <summary>
/// Process-wide counters and latency histograms, exposed in the Prometheus text format at
/// <c>/metrics</c>. Lock-free on the request path (one dictionary lookup and a few increments).
/// </summary>
public sealed class NanogateMetrics
{
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly ConcurrentDictionary<(string Route, string Method, int Status), Histogram> _requests = new();
    private readonly ConcurrentDictionary<(string Name, string Label), long[]> _counters = new();

    /// <summary>Records one HTTP request.</summary>
    public void ObserveRequest(string route, string method, int status, double seconds) =>
        _requests.GetOrAdd((route, method, status), _ => new Histogram()).Observe(seconds);

    /// <summary>Adds to a named counter with one label value (e.g. credits charged per model).</summary>
    public void Add(string name, string label, long value = 1) =>
        Interlocked.Add(ref _counters.GetOrAdd((name, label), _ => new long[1])[0], value);

    /// <summary>The exposition text.</summary>
    public string Render()
    {
        var sb = new StringBuilder();
        sb.Append("# HELP nanogate_http_request_duration_seconds HTTP requests by route, method and status.\n");
        sb.Append("# TYPE nanogate_http_request_duration_seconds histogram\n");
        foreach (var ((route, method, status), h) in _requests.OrderBy(kv => kv.Key.Route, StringComparer.Ordinal))
        {
            var labels = $"route=\"{Escape(route)}\",method=\"{method}\",status=\"{status}\"";
            long cumulative = 0;
            for (var i = 0; i < Buckets.Length; i++)
            {
                cumulative += Volatile.Read(ref h.Counts[i]);
                sb.Append(CultureInfo.InvariantCulture, $"nanogate_http_request_duration_seconds_bucket{{{labels},le=\"{Buckets[i]}\"}} {cumulative}\n");
            }

            var total = Volatile.Read(ref h.Total);
            sb.Append(CultureInfo.InvariantCulture, $"nanogate_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {total}\n");
            sb.Append(CultureInfo.InvariantCulture, $"nanogate_http_request_duration_seconds_sum{{{labels}}} {Volatile.Read(ref h.SumMicros) / 1e6}\n");
            sb.Append(CultureInfo.InvariantCulture, $"nanogate_http_request_duration_seconds_count{{{labels}}} {total}\n");
        }

        foreach (var group in _counters.GroupBy(kv => kv.Key.Name).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append(CultureInfo.InvariantCulture, $"# TYPE {group.Key} counter\n");
            foreach (var ((_, label), value) in group)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{group.Key}{{{label}}} {Volatile.Read(ref value[0])}\n");
            }
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        sb.Append("# TYPE process_resident_memory_bytes gauge\n");
        sb.Append(CultureInfo.InvariantCulture, $"process_resident_memory_bytes {process.WorkingSet64}\n");
        sb.Append("# TYPE dotnet_gc_allocated_bytes_total counter\n");
        sb.Append(CultureInfo.InvariantCulture, $"dotnet_gc_allocated_bytes_total {GC.GetTotalAllocatedBytes(precise: false)}\n");
        sb.Append("# TYPE dotnet_gc_heap_bytes gauge\n");
        sb.Append(CultureInfo.InvariantCulture, $"dotnet_gc_heap_bytes {GC.GetTotalMemory(false)}\n");
        return sb.ToString();
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private sealed class Histogram
    {
        public readonly long[] Counts = new long[Buckets.Length];
        public long Total;
        public long SumMicros;

        public void Observe(double seconds)
        {
            var i = Array.FindIndex(Buckets, b => seconds <= b);
            if (i >= 0)
            {
                Interlocked.Increment(ref Counts[i]);
            }

            Interlocked.Increment(ref Total);
            Interlocked.Add(ref SumMicros, (long)(seconds * 1e6));
        }
    }
}
