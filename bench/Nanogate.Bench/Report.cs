using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nanogate.Bench;

/// <summary>The table (median of rounds) and the JSON file.</summary>
internal static class Report
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString(ms < 10 ? "0.00" : ms < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    public static (string Table, string Json) Build(
        IReadOnlyList<Target> targets,
        IReadOnlyList<Cell> cells,
        Dictionary<(string Target, Cell Cell), List<Measurement>> results,
        IReadOnlyList<TaskBatch> batches,
        IReadOnlyList<(string Target, string Reason)> skipped,
        IReadOnlyList<string> notes,
        Options options,
        Machine machine,
        TimeSpan elapsed)
    {
        var rows = new List<Row>();
        foreach (var cell in cells)
        {
            results.TryGetValue(("direct", cell), out var direct);
            var names = targets.Select(t => t.Name).Concat(results.Keys.Where(k => k.Cell == cell).Select(k => k.Target)).Distinct();
            foreach (var name in names)
            {
                var target = new { Name = name };
                if (!results.TryGetValue((target.Name, cell), out var runs))
                {
                    continue;
                }

                var rps = Median(runs.Select(r => r.Rps));
                double? ofDirect = null, addedP50 = null, addedP99 = null;
                if (direct is not null && target.Name != "direct")
                {
                    var directRps = Median(direct.Select(r => r.Rps));
                    ofDirect = directRps > 0 ? rps / directRps : null;
                    addedP50 = Nullable(Median(runs.Zip(direct, (a, b) => a.P50Ms - b.P50Ms)));
                    addedP99 = Nullable(Median(runs.Zip(direct, (a, b) => a.P99Ms - b.P99Ms)));
                }

                var requests = runs.Sum(r => r.Requests);
                rows.Add(new Row(
                    target.Name,
                    cell.Storage.Length > 0 ? cell.Storage : target.Name == "nanogate" ? "sqlite" : "-",
                    cell.Label,
                    cell.Concurrency,
                    Math.Round(rps, 1),
                    ofDirect is { } f ? Math.Round(f, 3) : null,
                    Nullable(Median(runs.Select(r => r.P50Ms))),
                    Nullable(Median(runs.Select(r => r.P90Ms))),
                    Nullable(Median(runs.Select(r => r.P99Ms))),
                    addedP50,
                    addedP99,
                    runs.Sum(r => r.Errors),
                    requests,
                    requests > 0 ? runs.Sum(r => r.ResponseBytes) / requests : 0,
                    Math.Round(runs.Max(r => r.PeakRssKb) / 1024.0, 1),
                    Nullable(Median(runs.Select(r => r.TargetCpuMsPerRequest).OfType<double>())),
                    Nullable(Median(runs.Select(r => r.UpstreamCpuMsPerRequest).OfType<double>())),
                    Nullable(Median(runs.Select(r => r.TargetAllocatedKbPerRequest).OfType<double>())),
                    runs.Select(r => r.FirstError).FirstOrDefault(e => e is not null),
                    [.. runs]));
            }
        }

        var table = new StringBuilder();
        var header = string.Format(CultureInfo.InvariantCulture, "{0,-9} {14,-10} {1,-16} {2,5} {3,10} {4,8} {5,8} {6,8} {7,8} {8,8} {9,8} {10,8} {11,8} {12,8} {13,8} {15,9}",
            "target", "scenario", "conc", "req/s", "%direct", "p50 ms", "p90 ms", "p99 ms", "+p50", "+p99", "errors", "RSS MB", "cpu ms", "up ms", "storage", "alloc KB");
        table.AppendLine(header);
        table.AppendLine(new string('-', header.Length));
        string? lastLabel = null;
        int? lastConc = null;
        string? lastStorage = null;
        foreach (var row in rows)
        {
            if (lastLabel is not null && (row.Scenario != lastLabel || row.Concurrency != lastConc || row.Storage != lastStorage))
            {
                table.AppendLine();
            }

            lastLabel = row.Scenario;
            lastConc = row.Concurrency;
            lastStorage = row.Storage;
            table.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-9} {14,-10} {1,-16} {2,5} {3,10:0.0} {4,8} {5,8} {6,8} {7,8} {8,8} {9,8} {10,8} {11,8:0} {12,8} {13,8} {15,9}",
                row.Target, row.Scenario, row.Concurrency, row.Rps,
                row.OfDirect is { } f ? (f * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "",
                Ms(row.P50Ms ?? double.NaN), Ms(row.P90Ms ?? double.NaN), Ms(row.P99Ms ?? double.NaN),
                Signed(row.AddedP50Ms), Signed(row.AddedP99Ms), row.Errors, row.PeakRssMb,
                Cpu(row.CpuMsPerRequest), Cpu(row.UpstreamCpuMsPerRequest), row.Storage,
                row.AllocatedKbPerRequest is { } kb ? kb.ToString("0.0", CultureInfo.InvariantCulture) : ""));
        }

        if (batches.Count > 0)
        {
            table.AppendLine();
            var batchHeader = string.Format(CultureInfo.InvariantCulture, "{0,-9} {12,-10} {1,-20} {2,6} {3,8} {4,9} {5,8} {6,8} {7,9} {8,9} {9,8} {10,7} {11,8}",
                "target", "scenario", "tasks", "submit s", "total s", "img/s", "ok", "e2e p50", "e2e p99", "sub p50", "errors", "RSS MB", "storage");
            table.AppendLine(batchHeader);
            table.AppendLine(new string('-', batchHeader.Length));
            foreach (var b in batches)
            {
                table.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-9} {12,-10} {1,-20} {2,6} {3,8:0.0} {4,9:0.0} {5,8:0.0} {6,8} {7,9} {8,9} {9,8} {10,7} {11,8:0}",
                    "nanogate", b.Scenario, b.Tasks, b.SubmitSeconds, b.TotalSeconds, b.ImagesPerSecond, b.Succeeded,
                    Ms(b.EndToEndP50Ms), Ms(b.EndToEndP99Ms), Ms(b.SubmitP50Ms), b.SubmitErrors, b.PeakRssKb / 1024.0, b.Storage));
            }

            foreach (var b in batches)
            {
                table.AppendLine($"  {b.Scenario} ({b.Storage}): {Describe(b)}");
                if (b.Database is { } db)
                {
                    table.AppendLine("    " + db.Describe());
                }
            }
        }

        foreach (var (target, reason) in skipped)
        {
            table.AppendLine($"{target,-9} skipped: {Probe.Squash(reason, 300)}");
        }

        table.AppendLine();
        table.AppendLine($"Median of {options.Rounds} interleaved round(s) of {options.Duration.TotalSeconds:0.#} s after {options.Warmup.TotalSeconds:0.#} s warm-up; +p50/+p99 = added latency vs direct in the same round (median of rounds);");
        table.AppendLine("errors = non-expected status or exception, summed over rounds; RSS MB = peak resident memory of the target's process tree (direct: the upstream);\n"
            + "cpu ms = CPU time (user + system) of the target's process tree per request in the measured window; up ms = the same for the upstream simulator behind it (median of rounds).");
        foreach (var target in targets)
        {
            table.AppendLine($"{target.Name,-9} {target.Note}");
        }

        foreach (var row in rows.Where(r => r.FirstError is not null).GroupBy(r => r.Target))
        {
            table.AppendLine($"{row.Key,-9} first error: {row.First().FirstError}");
        }

        foreach (var note in notes.Where(n => n.StartsWith("portkey raw", StringComparison.Ordinal)))
        {
            table.AppendLine(note);
        }

        var document = new
        {
            generated = DateTimeOffset.UtcNow,
            mode = options.Smoke ? "smoke" : "full",
            machine,
            config = new
            {
                rounds = options.Rounds,
                duration_s = options.Duration.TotalSeconds,
                warmup_s = options.Warmup.TotalSeconds,
                concurrency = options.Concurrency,
                small_concurrency = options.SmallConcurrency,
                simulator_latency_ms = options.LatencyMs,
                elapsed_s = Math.Round(elapsed.TotalSeconds, 1),
            },
            targets = targets.Select(t => new { t.Name, url = t.BaseUri.ToString(), t.Note }),
            skipped = skipped.Select(s => new { target = s.Target, reason = s.Reason }),
            task_batches = batches,
            notes,
            rows = rows.Select(r => r with { Rounds = [.. r.Rounds.Select(Clean)] }),
        };
        return (table.ToString(), JsonSerializer.Serialize(document, Json));
    }

    /// <summary>One line about a task batch: settings, completion, signatures, latency.</summary>
    public static string Describe(TaskBatch b) => string.Create(CultureInfo.InvariantCulture,
        $"{b.Tasks} submitted by {b.ClientConcurrency} client workers in {b.SubmitSeconds:0.0} s (submit p50 {Ms(b.SubmitP50Ms)} ms, p99 {Ms(b.SubmitP99Ms)} ms, {b.SubmitErrors} errors{(b.FirstSubmitError is null ? "" : ": " + b.FirstSubmitError)}); "
        + $"{(b.Completed ? "all terminal" : "NOT all terminal (" + b.NotTerminal + ")")} after {b.TotalSeconds:0.0} s: {b.Succeeded} task.succeeded webhooks, {b.Webhooks} received, {b.Unsigned} unsigned, {b.Duplicates} duplicate; "
        + $"{b.ImagesPerSecond:0.0} images/s; submit→webhook p50 {Ms(b.EndToEndP50Ms)} ms, p99 {Ms(b.EndToEndP99Ms)} ms, max {Ms(b.EndToEndMaxMs)} ms; gateway peak RSS {b.PeakRssKb / 1024.0:0} MB; "
        + $"CPU s gateway {b.GatewayCpuSeconds:0.0} ({(b.Succeeded > 0 ? b.GatewayCpuSeconds * 1000 / b.Succeeded : 0):0.0} ms/image{(b.AllocatedKbPerImage is { } kb ? $", {kb:0} KB allocated/image" : "")}), upstream {b.UpstreamCpuSeconds:0.0}, harness {b.HarnessCpuSeconds:0.0}; {b.GatewaySettings}");

    private static Measurement Clean(Measurement m) => m with
    {
        P50Ms = Zero(m.P50Ms),
        P90Ms = Zero(m.P90Ms),
        P99Ms = Zero(m.P99Ms),
        MaxMs = Zero(m.MaxMs),
    };

    private static double Zero(double v) => double.IsNaN(v) ? 0 : Math.Round(v, 3);

    private static string Cpu(double? ms) => ms is not { } v ? "" : v.ToString(v < 10 ? "0.000" : "0.0", CultureInfo.InvariantCulture);

    private static string Signed(double? ms) => ms is not { } v ? "" : (v >= 0 ? "+" : "") + Ms(v);

    private static double? Nullable(double v) => double.IsNaN(v) ? null : Math.Round(v, 3);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private sealed record Row(
        string Target,
        string Storage,
        string Scenario,
        int Concurrency,
        double Rps,
        double? OfDirect,
        double? P50Ms,
        double? P90Ms,
        double? P99Ms,
        double? AddedP50Ms,
        double? AddedP99Ms,
        long Errors,
        long Requests,
        long MeanResponseBytes,
        double PeakRssMb,
        double? CpuMsPerRequest,
        double? UpstreamCpuMsPerRequest,
        double? AllocatedKbPerRequest,
        string? FirstError,
        Measurement[] Rounds);
}
