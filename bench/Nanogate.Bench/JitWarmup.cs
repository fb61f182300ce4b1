using System.Diagnostics;

namespace Nanogate.Bench;

/// <summary>
/// Runs every cell's request against every target until the Nanogate processes stop compiling, before anything is
/// measured. Why: a fresh .NET process keeps its tiered JIT busy for the first ~40 s of a 1.4 MB passthrough load on
/// two cores (the ".NET Tiered Compilation" thread took 19 % of the gateway's CPU samples 7–23 s into a c=64 cell,
/// and 5–6 s of CPU in all), which a gateway that has been up for hours does not pay; without this, the first cells
/// measured the compiler (c=1: 3.6 ms of gateway CPU per request, against 2.0 at c=64 later in the same run).
/// nginx and Portkey run the same load once (they have no JIT to settle, or none the harness can read).
/// </summary>
internal static class JitWarmup
{
    private const string JitSeconds = "dotnet_jit_compilation_time_seconds_total";

    // A slice that compiled less than this (all Nanogate processes together) counts as settled.
    private const double SettledSeconds = 0.02;

    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan MaxPerKind = TimeSpan.FromSeconds(90);

    public static async Task RunAsync(IReadOnlyList<Target> targets, IReadOnlyList<Cell> cells, Uri upstream)
    {
        Console.WriteLine("JIT warm-up: every cell's request on every target until the Nanogate processes stop compiling…");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var upstreamMetrics = new Uri(upstream, "metrics");
        var total = Stopwatch.StartNew();
        foreach (var target in targets)
        {
            // The gateway's JIT and its upstream's: a gateway's requests also warm the simulator behind it.
            Uri[] sources = target.Metrics is { } own ? (own == upstreamMetrics ? [own] : [own, upstreamMetrics]) : [];
            var before = await SumAsync(client, sources);
            var watch = Stopwatch.StartNew();
            var slices = 0;
            foreach (var kind in cells.Select(c => c.Kind).Distinct())
            {
                if (target.Requests(kind) is not { } spec)
                {
                    continue;
                }

                var concurrency = Math.Min(16, cells.Where(c => c.Kind == kind).Max(c => c.Concurrency));
                slices += await SettleAsync(client, sources, spec, concurrency);
            }

            var after = await SumAsync(client, sources);
            var jit = sources.Length > 0 && before is { } b && after is { } a ? $", {a - b:0.00} s of JIT compilation" : "";
            Console.WriteLine($"  {target.Name,-9} {watch.Elapsed.TotalSeconds,5:0} s ({slices} slice{(slices == 1 ? "" : "s")} of {Slice.TotalSeconds:0} s{jit})");
        }

        Console.WriteLine($"  warm-up took {total.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>
    /// The same for one fresh deployment of a task scenario (its processes' <paramref name="metrics"/>), on the request it
    /// is about to be measured with. Why: the submit cells ran on a gateway started seconds before, and a perf profile
    /// of the c=1 submit cell showed libclrjit at 24 % and libcoreclr at 17 % of the gateway's samples 6–14 s in.
    /// </summary>
    public static async Task RunAsync(string name, Uri[] metrics, RequestSpec spec, int concurrency)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var sources = metrics;
        var before = await SumAsync(client, sources);
        var watch = Stopwatch.StartNew();
        var slices = await SettleAsync(client, sources, spec, Math.Min(16, concurrency));
        var after = await SumAsync(client, sources);
        var jit = before is { } b && after is { } a ? $", {a - b:0.00} s of JIT compilation" : "";
        Console.WriteLine($"  JIT warm-up of {name}: {watch.Elapsed.TotalSeconds:0} s ({slices} slice{(slices == 1 ? "" : "s")} of {Slice.TotalSeconds:0} s{jit})");
    }

    /// <summary>Runs <paramref name="spec"/> in slices until a slice compiles less than <see cref="SettledSeconds"/>; the number of slices.</summary>
    private static async Task<int> SettleAsync(HttpClient client, Uri[] sources, RequestSpec spec, int concurrency)
    {
        var slices = 0;
        var watch = Stopwatch.StartNew();
        var last = await SumAsync(client, sources);
        while (true)
        {
            await LoadGenerator.RunAsync(spec, concurrency, TimeSpan.Zero, Slice, rssPid: null);
            slices++;
            var now = await SumAsync(client, sources);
            var settled = sources.Length == 0 || now is null || last is null || now - last < SettledSeconds;
            last = now;
            if (settled || watch.Elapsed > MaxPerKind)
            {
                return slices;
            }
        }
    }

    /// <summary>Seconds the processes behind <paramref name="metrics"/> spent compiling so far, or null if one cannot be read.</summary>
    public static async Task<double?> CompiledSecondsAsync(Uri[] metrics)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await SumAsync(client, metrics);
    }

    private static Task<double?> SumAsync(HttpClient client, Uri[] sources) => LoadGenerator.SumMetricAsync(client, sources, JitSeconds);
}
