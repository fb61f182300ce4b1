using System.Diagnostics;
using System.Runtime.InteropServices;
using Nanogate.Bench;

// Nanogate load harness: starts what it measures on loopback, runs interleaved rounds, prints one
// table (median of rounds) and writes bench/results/latest.json. See docs/benchmarks.md.
var options = Options.Parse(args);
var root = FindRepositoryRoot();
var work = Path.Combine(Path.GetTempPath(), "nanogate-bench", Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(work);
var output = options.Output ?? Path.Combine(root, "bench", "results", options.Smoke ? "smoke.json" : "latest.json");
var machine = Machine.Describe();
Console.WriteLine($"Nanogate bench ({(options.Smoke ? "smoke" : "full")}): {machine.Summary}");
Console.WriteLine($"  rounds {options.Rounds} × {options.Duration.TotalSeconds:0.#} s (warm-up {options.Warmup.TotalSeconds:0.#} s), concurrency {string.Join('/', options.Concurrency)}, simulator latency {options.LatencyMs} ms, work dir {work}");

if (options.Build)
{
    Console.WriteLine("Building Nanogate (Release)…");
    var (code, log) = await Systems.RunAsync("dotnet", "build src/Nanogate -c Release -nologo -v quiet", root, TimeSpan.FromMinutes(10));
    if (code != 0)
    {
        Console.Error.WriteLine(log);
        Console.Error.WriteLine("bench: the Nanogate build failed.");
        return 1;
    }
}

using var systems = new Systems(root, work, options.PerfMap);
// Ctrl+C or SIGTERM: never leave gateways, nginx or node behind.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    systems.Dispose();
    Environment.Exit(130);
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => systems.Dispose();
var targets = new List<Target>();
var skipped = new List<(string Target, string Reason)>();

// --tracing: the OTLP sink the traced gateways export to, and their extra settings.
await using var otlp = options.Tracing ? await OtlpSink.StartAsync() : null;
string[] Traced(string ratio) =>
    [$"--Telemetry:OtlpEndpoint={otlp!.Url}", "--Telemetry:OtlpProtocol=http/protobuf", $"--Telemetry:TraceSampleRatio={ratio}"];
var notes = new List<string>();
Uri upstreamUri;
int upstreamPid;
try
{
    var (upstream, u) = await systems.StartNanogateAsync("upstream",
    [
        $"--Simulator:LatencyMs={options.LatencyMs}",
        "--Admin:ApiKey=sk-admin-bench-upstream",
    ]);
    upstreamUri = u;
    upstreamPid = upstream.Pid;
    string[] passthroughGateway =
    [
        $"--Upstreams:Gemini:ApiKeys={Systems.UpstreamKey}",
        $"--Upstreams:Gemini:BaseUrl={new Uri(u, "simulator")}",
        $"--Bootstrap:DemoKey={Systems.GatewayKey}",
        "--Bootstrap:DemoCredits=1000000000",
        "--Admin:ApiKey=sk-admin-bench",

        // The passthrough cells drive one account at up to 256 concurrent requests on purpose: no concurrency bound
        // (Limits:MaxSyncGenerations would answer 429 past 64 + the queue).
        "--Limits:MaxSyncGenerations=100000",
        "--Limits:MaxSyncGenerationsPerAccount=100000",
    ];
    var (gateway, g) = await systems.StartNanogateAsync("gateway", passthroughGateway, options.GatewayEnvironment);

    var geminiPath = $"v1beta/models/{Systems.Model}:generateContent";

    // Every cell on a gateway: the passthrough and the small requests.
    Func<string, RequestSpec?> GatewayRequests(Uri gw) => kind => kind switch
    {
        "gemini" => Systems.GeminiSpec(gw, geminiPath, Systems.GatewayKey),
        "models list" => new RequestSpec(HttpMethod.Get, new Uri(gw, "v1beta/models"), null, [new("x-goog-api-key", Systems.GatewayKey)]),
        "healthz" => new RequestSpec(HttpMethod.Get, new Uri(gw, "healthz"), null, []),
        "error 404 model" => Systems.GeminiSpec(gw, "v1beta/models/no-such-model:generateContent", Systems.GatewayKey, 404),
        "error 401 key" => Systems.GeminiSpec(gw, geminiPath, "sk-wrong-key", 401),
        _ => null,
    };
    if (options.Targets.Contains("direct"))
    {
        targets.Add(new Target("direct", u, upstream.Pid, "the simulator itself (Nanogate /simulator mount): the floor",
            s => s == "gemini" ? Systems.GeminiSpec(u, "simulator/" + geminiPath, Systems.UpstreamKey) : null)
        { Metrics = new Uri(u, "metrics") });
    }

    if (options.Targets.Contains("nanogate"))
    {
        targets.Add(new Target("nanogate", g, gateway.Pid, "auth + reserve/settle credits (SQLite) + Gemini passthrough", GatewayRequests(g))
        { Metrics = new Uri(g, "metrics") });
    }

    if (options.Tracing && options.Targets.Contains("nanogate"))
    {
        // The same gateway twice more, exporting OTLP: every trace sampled, and none (export on, spans not recorded).
        foreach (var (name, ratio) in ((string, string)[])[("ng+otlp", "1"), ("ng+otlp0", "0")])
        {
            var (traced, t) = await systems.StartNanogateAsync("gateway-" + name.Replace('+', '-'), [.. passthroughGateway, .. Traced(ratio)]);
            targets.Add(new Target(name, t, traced.Pid, $"nanogate exporting OTLP to a loopback sink, Telemetry:TraceSampleRatio={ratio}",
                s => s == "gemini" ? Systems.GeminiSpec(t, geminiPath, Systems.GatewayKey) : null)
            { Metrics = new Uri(t, "metrics") });
        }
    }

    // --variant: the same gateway again with other settings, environment or build, interleaved with "nanogate" in
    // every round (a before/after in one run, on the same upstream).
    foreach (var variant in options.Variants)
    {
        var (process, v) = await systems.StartNanogateAsync("gateway-" + variant.Name, [.. passthroughGateway, .. variant.Settings], variant.Environment, variant.Dll);
        targets.Add(new Target("ng:" + variant.Name, v, process.Pid, "nanogate with " + variant.Description, GatewayRequests(v))
        { Metrics = new Uri(v, "metrics") });
    }
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"bench: Nanogate did not start: {e.Message}");
    return 1;
}

if (options.Targets.Contains("nginx"))
{
    var (nginx, reason) = await systems.StartNginxAsync(upstreamUri, mayInstall: !options.Smoke);
    if (nginx is not null)
    {
        targets.Add(nginx);
    }
    else
    {
        skipped.Add(("nginx", reason!));
    }
}

if (options.Targets.Contains("portkey"))
{
    if (options.Smoke)
    {
        skipped.Add(("portkey", "not started in --smoke"));
    }
    else
    {
        Console.WriteLine($"Starting Portkey ({options.PortkeyPackage} via npx; the first run downloads it)…");
        var (portkey, reason, raw) = await systems.StartPortkeyAsync(upstreamUri, options.PortkeyPackage);
        if (portkey is not null)
        {
            targets.Add(portkey);
            notes.Add("portkey " + raw);
        }
        else
        {
            skipped.Add(("portkey", reason!));
        }
    }
}

foreach (var (name, reason) in skipped)
{
    Console.WriteLine($"skip {name}: {Probe.Squash(reason, 400)}");
}

// One request per target first: a broken target shows here, not only as an error count.
Console.WriteLine("Probe (one request each):");
foreach (var target in targets)
{
    var spec = target.Requests("gemini")!;
    var probe = await Probe.OnceAsync(spec);
    Console.WriteLine($"  {target.Name,-9} {spec.Method} {spec.Uri.AbsolutePath}: {probe}");
    notes.Add($"probe {target.Name}: {probe}");
}

foreach (var note in notes.Where(n => n.StartsWith("portkey raw", StringComparison.Ordinal)))
{
    Console.WriteLine("  " + note);
}

var cells = new List<Cell>();
foreach (var c in options.Concurrency)
{
    cells.Add(new Cell("gemini", "gemini 1K image", c));
}

foreach (var s in options.SmallConcurrency > 0 ? (string[])["models list", "healthz", "error 404 model", "error 401 key"] : [])
{
    cells.Add(new Cell(s, s, options.SmallConcurrency));
}

if (options.JitWarmup)
{
    await JitWarmup.RunAsync(targets, cells, upstreamUri);
}

var results = new Dictionary<(string Target, Cell Cell), List<Measurement>>();
var total = Stopwatch.StartNew();
for (var round = 0; round < options.Rounds; round++)
{
    Console.WriteLine($"Round {round + 1}/{options.Rounds}…");
    foreach (var cell in cells)
    {
        // Interleaved: every target runs each cell in every round; the order rotates from round to round.
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[(i + round) % targets.Count];
            if (target.Requests(cell.Kind) is not { } spec)
            {
                continue;
            }

            var m = await LoadGenerator.RunAsync(spec, cell.Concurrency, options.Warmup, options.Duration, target.Pid, target.Name == "direct" ? null : upstreamPid,
                target.Name == "direct" ? null : target.Metrics);
            if (!results.TryGetValue((target.Name, cell), out var list))
            {
                results[(target.Name, cell)] = list = [];
            }

            list.Add(m);
            Console.WriteLine($"  {target.Name,-9} {cell.Label,-16} c={cell.Concurrency,-4} {m.Rps,9:0.0} req/s  p50 {Report.Ms(m.P50Ms),8}  p99 {Report.Ms(m.P99Ms),8}  errors {m.Errors}{(m.FirstError is null ? "" : $" ({m.FirstError})")}");
        }
    }
}

// Idle RSS: what each target keeps once the load is over (the GC and the pools give memory back over time).
if (options.IdleSeconds > 0 && results.Count > 0)
{
    Console.WriteLine($"Idle for {options.IdleSeconds} s after the load…");
    await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds));
    var idle = string.Join(", ", targets.Where(t => t.Pid is not null).Select(t => $"{t.Name} {ProcMemory.TreeRssKb(ProcMemory.Tree(t.Pid!.Value)) / 1024.0:0} MB"));
    Console.WriteLine($"  idle RSS {options.IdleSeconds} s after the load: {idle}");
    notes.Add($"idle RSS {options.IdleSeconds} s after the load: {idle}");
}

// Task scenarios (Dialect 1), Nanogate only: each on a fresh gateway, so one scenario's backlog never
// runs into the next. The webhook receiver is a Kestrel app in this process, on loopback.
var batches = new List<TaskBatch>();
if (!options.Tasks.Contains("none"))
{
    string[] Gateway(params string[] extra) =>
    [
        $"--Upstreams:Gemini:ApiKeys={Systems.UpstreamKey}",
        $"--Upstreams:Gemini:BaseUrl={new Uri(upstreamUri, "simulator")}",
        $"--Bootstrap:DemoKey={Systems.GatewayKey}",
        "--Bootstrap:DemoCredits=1000000000",
        "--Admin:ApiKey=sk-admin-bench",

        // The bench measures throughput and piles up queues on purpose (submit-idle, in-flight): no queue bounds.
        "--Tasks:MaxQueuedImagesPerAccount=10000000",
        "--Tasks:MaxQueuedImages=100000000",
        .. extra,
    ];

    await using var receiver = await WebhookReceiver.StartAsync();
    BenchPostgres? postgres = null;
    if (options.Storage.Contains("postgres"))
    {
        Console.WriteLine("Starting PostgreSQL for the task scenarios (fresh cluster, durability as shipped)…");
        var (server, skip) = await BenchPostgres.StartAsync(work);
        if (server is null)
        {
            Console.WriteLine($"skip postgres: {skip}");
            skipped.Add(("postgres", skip!));
        }
        else
        {
            postgres = server;
            Console.WriteLine($"  PostgreSQL {server.Version} on 127.0.0.1:{server.Port}, pg_stat_statements preloaded");
            notes.Add($"postgres: PostgreSQL {server.Version}, pg_stat_statements preloaded; a fresh database per scenario");
        }
    }

    // Storage setups, in this order, on the same machine in the same run: SQLite (one process), PostgreSQL
    // (one process) and two processes behind nginx sharing one PostgreSQL database and one media folder.
    var setups = new List<(string Storage, int Processes)>();
    if (options.Storage.Contains("sqlite"))
    {
        setups.Add(("sqlite", 1));
    }

    if (postgres is not null)
    {
        setups.Add(("postgres", 1));
        setups.Add(("postgres×2", 2));
    }

    var databases = 0;

    // Starts the gateways of one scenario: on PostgreSQL a fresh database (no backlog of an earlier scenario),
    // with two processes one media folder and nginx in front.
    async Task<Deployment?> DeployAsync(string scenario, string storage, int processes, params string[] extra)
    {
        var suffix = storage == "sqlite" ? "" : processes == 1 ? "-pg" : "-pg2";
        var settings = new List<string>(Gateway(extra));
        string? database = null;
        if (storage != "sqlite")
        {
            database = $"bench_{++databases}";
            var connection = await postgres!.CreateDatabaseAsync(database);
            settings.Add("--Storage:Provider=postgres");
            settings.Add($"--ConnectionStrings:Postgres={connection}");
            settings.Add($"--Media:Directory={Path.Combine(work, scenario + suffix + "-media")}");
        }

        var gateways = new List<ManagedProcess>();
        var uris = new List<Uri>();
        for (var i = 1; i <= processes; i++)
        {
            var (process, uri) = await systems.StartNanogateAsync($"{scenario}{suffix}{(processes > 1 ? "-" + i : "")}", settings);
            gateways.Add(process);
            uris.Add(uri);
        }

        if (processes == 1)
        {
            return new Deployment(storage, [.. gateways], null, uris[0], database, [.. uris.Select(u => new Uri(u, "metrics"))]);
        }

        var (balancer, balancerUri, reason) = await systems.StartBalancerAsync($"nginx-{scenario}", uris);
        if (balancer is null)
        {
            Console.WriteLine($"  skip {storage}: {reason}");
            skipped.Add((storage, reason!));
            gateways.ForEach(systems.Stop);
            return null;
        }

        return new Deployment(storage, [.. gateways], balancer, balancerUri!, database, [.. uris.Select(u => new Uri(u, "metrics"))]);
    }

    void Undeploy(Deployment d)
    {
        if (d.Balancer is not null)
        {
            systems.Stop(d.Balancer);
        }

        foreach (var g in d.Gateways)
        {
            systems.Stop(g);
        }
    }

    try
    {
        foreach (var (storage, processes) in setups)
        {
            var where = processes == 1 ? $"{storage}, one process" : $"{storage}: {processes} processes behind nginx, one database, one media folder";

            // Two variants on two fresh gateways: "idle workers" isolates the submit path (the prompt's
            // [sim:slow:600000] marker parks the 16 workers on upstream calls, so nothing is generated);
            // "generating" is the realistic case, the workers making images of earlier submits meanwhile.
            foreach (var (variant, label, prompt) in ((string, string, string)[])[
                ("submit-idle", "submit idle", "bench [sim:slow:600000]"),
                ("submit", "submit gen", "bench")])
            {
                if (!options.Tasks.Contains(variant) && !(variant == "submit-idle" && options.Tasks.Contains("submit")))
                {
                    continue;
                }

                Console.WriteLine($"Task {label} ({where}): fresh gateway, Tasks:Workers=16 (default), prompt \"{prompt}\"…");
                if (await DeployAsync("tasks-" + variant, storage, processes) is not { } d)
                {
                    continue;
                }

                var spec = TaskScenarios.SubmitSpec(d.BaseUri, prompt, null);
                Console.WriteLine($"  probe POST /v1/images/generations: {await Probe.OnceAsync(spec)}");
                if (options.JitWarmup)
                {
                    await JitWarmup.RunAsync("tasks-" + variant, d.Metrics, spec, options.TaskConcurrency.Max());
                }

                // --tracing: a traced twin (OTLP export, every trace sampled), measured right after the plain one in every round.
                var twin = options.Tracing && processes == 1 ? await DeployAsync("tasks-" + variant + "-otlp", storage, processes, Traced("1")) : null;
                var runs = new List<(Deployment D, string Storage, RequestSpec Spec)> { (d, storage, spec) };
                if (twin is not null)
                {
                    runs.Add((twin, storage + "+otlp", TaskScenarios.SubmitSpec(twin.BaseUri, prompt, null)));
                }

                for (var round = 0; round < options.Rounds; round++)
                {
                    foreach (var c in options.TaskConcurrency)
                    {
                        foreach (var (on, where2, submit) in runs)
                        {
                            var cell = new Cell("task " + variant, "task " + label, c, where2);
                            if (!cells.Contains(cell))
                            {
                                cells.Add(cell);
                            }

                            var m = await LoadGenerator.RunAsync(submit, c, options.Warmup, options.Duration, on.Gateways[0].Pid);
                            if (!results.TryGetValue(("nanogate", cell), out var list))
                            {
                                results[("nanogate", cell)] = list = [];
                            }

                            list.Add(m);
                            Console.WriteLine($"  {where2,-10} {cell.Label,-16} c={c,-4} {m.Rps,9:0.0} req/s  p50 {Report.Ms(m.P50Ms),8}  p99 {Report.Ms(m.P99Ms),8}  errors {m.Errors}{(m.FirstError is null ? "" : $" ({m.FirstError})")}");
                        }
                    }

                    // A control on the same gateway, right after the submits (the backlog is still being
                    // generated in the "gen" variant): GET /healthz touches neither the database nor the task queue,
                    // so a slow answer here means CPU/thread-pool starvation rather than the database.
                    if (options.Smoke)
                    {
                        continue; // keeps the smoke run under ~40 s
                    }

                    var control = new Cell("healthz " + variant, "healthz " + label[7..], 1, storage);
                    if (!cells.Contains(control))
                    {
                        cells.Add(control);
                    }

                    var h = await LoadGenerator.RunAsync(new RequestSpec(HttpMethod.Get, new Uri(d.BaseUri, "healthz"), null, []), 1, options.Warmup, options.Duration, d.Gateways[0].Pid);
                    if (!results.TryGetValue(("nanogate", control), out var hl))
                    {
                        results[("nanogate", control)] = hl = [];
                    }

                    hl.Add(h);
                    Console.WriteLine($"  {storage,-10} {control.Label,-16} c=1    {h.Rps,9:0.0} req/s  p50 {Report.Ms(h.P50Ms),8}  p99 {Report.Ms(h.P99Ms),8}  errors {h.Errors}");
                }

                Undeploy(d);
                if (twin is not null)
                {
                    Undeploy(twin);
                }
            }

            if (options.Tasks.Contains("e2e"))
            {
                var settings = $"{where}; Tasks:Workers={options.EndToEndWorkers} per process, Webhooks:MaxConcurrency=64, simulator latency 0 ms";
                Console.WriteLine($"Tasks end to end ({options.EndToEndTasks} tasks, {settings})…");
                if (await DeployAsync("tasks-e2e", storage, processes,
                    $"--Tasks:Workers={options.EndToEndWorkers}", "--Webhooks:MaxConcurrency=64", "--Security:AllowPrivateNetworkTargets=true") is { } d)
                {
                    // Warm-up batches until a batch of 200 compiles less than 50 ms (a profile of a cold 3,000-task run had
                    // libclrjit at 18 % of the gateway's samples); one batch of 20 in --smoke or with --jit-warmup=off.
                    var warmed = Stopwatch.StartNew();
                    for (var batchNo = 1; ; batchNo++)
                    {
                        var size = options.JitWarmup ? 200 : 20;
                        var jitBefore = await JitWarmup.CompiledSecondsAsync(d.Metrics);
                        var warm = await TaskScenarios.RunBatchAsync("warm-up", d.BaseUri, d.Pids, d.Metrics, upstreamPid, receiver, "bench", size, 8, TimeSpan.FromSeconds(60), settings);
                        var jit = await JitWarmup.CompiledSecondsAsync(d.Metrics) - jitBefore;
                        Console.WriteLine($"  warm-up {batchNo}: {size} tasks, {warm.Succeeded} succeeded in {warm.TotalSeconds:0.0} s{(jit is { } j ? $", {j:0.00} s of JIT compilation" : "")}");
                        if (!options.JitWarmup || jit is not { } compiled || compiled < 0.05 || warmed.Elapsed > TimeSpan.FromSeconds(90))
                        {
                            break;
                        }
                    }

                    var wal = d.Database is null ? null : await postgres!.ResetAsync(d.Database);
                    var batch = await TaskScenarios.RunBatchAsync("tasks end to end", d.BaseUri, d.Pids, d.Metrics, upstreamPid, receiver, "bench", options.EndToEndTasks, options.BatchClientConcurrency,
                        TimeSpan.FromSeconds(options.Smoke ? 30 : 300), settings);
                    batch = batch with { Storage = storage };
                    if (d.Database is not null)
                    {
                        batch = batch with { Database = await postgres!.MeasureAsync(d.Database, wal!, batch.Succeeded) };
                    }

                    Undeploy(d);
                    if (batch.Database is { } db)
                    {
                        batch = batch with { Database = await postgres!.CompleteAsync(d.Database!, db) };
                    }

                    batches.Add(batch);
                    Console.WriteLine("  " + Report.Describe(batch));
                    if (batch.Database is { } dbWork)
                    {
                        Console.WriteLine("    " + dbWork.Describe());
                    }
                }
            }

            if (options.Tasks.Contains("inflight"))
            {
                var settings = $"{where}; Tasks:Workers={options.InFlightWorkers} per process, Webhooks:MaxConcurrency=64, simulator latency {options.InFlightLatencyMs} ms ([sim:slow] marker)";
                Console.WriteLine($"Tasks in flight ({options.InFlightTasks} tasks, {settings})…");
                if (await DeployAsync("tasks-inflight", storage, processes,
                    $"--Tasks:Workers={options.InFlightWorkers}", "--Webhooks:MaxConcurrency=64", "--Security:AllowPrivateNetworkTargets=true") is { } d)
                {
                    var batch = await TaskScenarios.RunBatchAsync($"{options.InFlightTasks} tasks in flight", d.BaseUri, d.Pids, d.Metrics, upstreamPid, receiver, $"bench [sim:slow:{options.InFlightLatencyMs}]",
                        options.InFlightTasks, options.BatchClientConcurrency, TimeSpan.FromSeconds(options.Smoke ? 60 : 600), settings);
                    batch = batch with { Storage = storage };
                    batches.Add(batch);
                    Console.WriteLine("  " + Report.Describe(batch));
                    Undeploy(d);
                }
            }
        }
    }
    finally
    {
        if (postgres is not null)
        {
            await postgres.DisposeAsync();
        }
    }
}

if (otlp is not null)
{
    // Proof that the traced gateways exported: what the sink received over the whole run.
    var exported = $"otlp sink: {otlp.Exports} export requests, {otlp.Bytes / 1024.0:0} KiB received";
    Console.WriteLine(exported);
    notes.Add(exported);
}

var report = Report.Build(targets, cells, results, batches, skipped, notes, options, machine, total.Elapsed);
Console.WriteLine();
Console.WriteLine(report.Table);
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, report.Json);
Console.WriteLine($"results: {output}");
systems.Dispose();
try
{
    Directory.Delete(work, recursive: true);
}
catch (IOException)
{
}
catch (UnauthorizedAccessException)
{
}

if (options.Smoke)
{
    Console.WriteLine("bench smoke: ok");
}

return 0;

static string FindRepositoryRoot()
{
    foreach (var start in (string[])[Environment.CurrentDirectory, AppContext.BaseDirectory])
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nanogate.slnx")))
            {
                return dir.FullName;
            }
        }
    }

    throw new InvalidOperationException("Run from inside the Nanogate repository (Nanogate.slnx not found).");
}

/// <summary>One row group: a scenario at one concurrency (task scenarios: on one storage setup).</summary>
internal sealed record Cell(string Kind, string Label, int Concurrency, string Storage = "");

/// <summary>The gateways of one task scenario: one process, or several behind nginx (<see cref="Balancer"/>).</summary>
internal sealed record Deployment(string Storage, ManagedProcess[] Gateways, ManagedProcess? Balancer, Uri BaseUri, string? Database, Uri[] Metrics)
{
    public int[] Pids => [.. Gateways.Select(g => g.Pid)];
}

/// <summary>What the run ran on.</summary>
internal sealed record Machine(int Cores, long MemoryMb, string Os, string Cpu, string Runtime, string Summary)
{
    public static Machine Describe()
    {
        long memoryMb = 0;
        var cpu = "";
        try
        {
            var mem = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (mem is not null)
            {
                memoryMb = long.Parse(mem.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
            }

            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException)
        {
        }

        var os = RuntimeInformation.OSDescription;
        var runtime = RuntimeInformation.FrameworkDescription;
        return new Machine(Environment.ProcessorCount, memoryMb, os, cpu, runtime,
            $"{Environment.ProcessorCount} cores ({cpu}), {memoryMb:N0} MB, {os}, {runtime}");
    }
}
