using System.Globalization;

namespace Nanogate.Bench;

/// <summary>Command-line options (bench/run.sh passes its arguments through).</summary>
internal sealed class Options
{
    public bool Smoke { get; private set; }

    public bool Build { get; private set; } = true;

    public int Rounds { get; private set; } = 3;

    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(4);

    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(1);

    public int[] Concurrency { get; private set; } = [1, 16, 64, 256];

    public int SmallConcurrency { get; private set; } = 64;

    public int LatencyMs { get; private set; }

    public string[] Targets { get; private set; } = ["direct", "nanogate", "nginx", "portkey"];

    public string PortkeyPackage { get; private set; } = "@portkey-ai/gateway@1.15.2";

    public string? Output { get; private set; }

    /// <summary>Task scenarios to run after the rounds: submit (both variants), submit-idle, e2e, inflight (or none).</summary>
    public string[] Tasks { get; private set; } = ["submit", "e2e", "inflight"];

    public int[] TaskConcurrency { get; private set; } = [1, 16, 64];

    public int EndToEndTasks { get; private set; } = 2000;

    public int EndToEndWorkers { get; private set; } = 64;

    public int InFlightTasks { get; private set; } = 10_000;

    public int InFlightWorkers { get; private set; } = 512;

    public int InFlightLatencyMs { get; private set; } = 2000;

    /// <summary>Client workers submitting the batches of the end-to-end and in-flight scenarios.</summary>
    public int BatchClientConcurrency { get; private set; } = 32;

    /// <summary>
    /// Storage of the task scenarios: sqlite (one process), postgres (one process, and two processes behind nginx
    /// sharing the database and the media folder), in one run on a throwaway PostgreSQL the harness starts.
    /// </summary>
    public string[] Storage { get; private set; } = ["sqlite", "postgres"];

    /// <summary>
    /// Also measures tracing: two more gateways export OTLP to a loopback sink (all traces sampled, and sampled off),
    /// interleaved with the plain gateway in the passthrough rounds, and a traced twin of each submit scenario.
    /// </summary>
    public bool Tracing { get; private set; }

    /// <summary>
    /// Seconds to wait after the rounds before sampling each target's idle RSS (0: not measured). 65 s: the gateway's
    /// memory trimmer looks every 30 s and trims on the first idle look after a busy one.
    /// </summary>
    public int IdleSeconds { get; private set; } = 65;

    /// <summary>Environment variables of the measured gateway only (e.g. GC settings to compare), from --gateway-env=NAME=VALUE,NAME=VALUE.</summary>
    public Dictionary<string, string> GatewayEnvironment { get; } = new();

    /// <summary>Gateways to measure beside "nanogate" (target "ng:NAME"), from --variant=NAME:ITEM,ITEM (repeatable).</summary>
    public List<Variant> Variants { get; } = [];

    /// <summary>Runs the load on every target until the Nanogate processes stop compiling, before the rounds (see <see cref="JitWarmup"/>).</summary>
    public bool JitWarmup { get; private set; } = true;

    /// <summary>Sets DOTNET_PerfMapEnabled=1 on the Nanogate processes so `perf record` resolves JIT frames.</summary>
    public bool PerfMap { get; private set; }

    public const string Usage = """
        bench/run.sh [--smoke] [--rounds=3] [--duration=4] [--warmup=1] [--concurrency=1,16,64,256]
                     [--small-concurrency=64] [--latency-ms=0] [--targets=direct,nanogate,nginx,portkey]
                     [--portkey=@portkey-ai/gateway@1.15.2] [--out=bench/results/latest.json] [--no-build] [--perf-map] [--idle-seconds=65]
                     [--jit-warmup=auto|off] [--variant=NAME:ITEM,ITEM ...]
                     [--gateway-env=NAME=VALUE,NAME=VALUE]
                     [--tasks=submit,submit-idle,e2e,inflight|none] [--task-concurrency=1,16,64] [--e2e-tasks=2000] [--e2e-workers=64]
                     [--inflight-tasks=10000] [--inflight-workers=512] [--inflight-latency-ms=2000] [--batch-concurrency=32]
                     [--storage=sqlite,postgres] [--tracing]
        --variant: one more gateway "ng:NAME" in the passthrough cells, interleaved with "nanogate"; each ITEM is
                   --Section:Key=value (a setting), NAME=VALUE (an environment variable) or dll=PATH (another build,
                   e.g. a worktree's src/Nanogate/bin/Release/net10.0/Nanogate.dll): a before/after in one run.
        --small-concurrency=0 leaves out the small-request cells.
        --jit-warmup: before the rounds, each target runs every cell's request in 2 s slices until its Nanogate
                      processes compiled < 20 ms in a slice (at most 90 s per request kind); off in --smoke.
        --targets=none runs only the task scenarios (each on its own fresh gateway, after the rounds).
        --storage: the task scenarios on SQLite and/or PostgreSQL (postgres = one process and two behind nginx,
                   on a PostgreSQL cluster the harness starts with fsync on and stops; database work per image printed).
        --tracing: adds gateways exporting OTLP (http/protobuf) to a loopback sink: "ng+otlp" (Telemetry:TraceSampleRatio=1)
                   and "ng+otlp0" (ratio 0: export on, no span recorded) beside "nanogate" (no export) in the
                   passthrough rounds, and each submit scenario on a second, traced gateway (storage "<db>+otlp").
        --smoke: 1 round of 1 s, concurrency 1 and 16, direct and nanogate only, 100 end-to-end and 200 in-flight
                 tasks, SQLite only; exits 0 unless the harness fails.
        """;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        if (args.Contains("--smoke"))
        {
            o.Smoke = true;
            o.Rounds = 1;
            o.Duration = TimeSpan.FromSeconds(1);
            o.Warmup = TimeSpan.FromMilliseconds(300);
            o.Concurrency = [1, 16];
            o.SmallConcurrency = 16;
            o.Targets = ["direct", "nanogate"];
            o.TaskConcurrency = [1, 16];
            o.EndToEndTasks = 100;
            o.InFlightTasks = 200;
            o.Storage = ["sqlite"];
            o.IdleSeconds = 0;
            o.JitWarmup = false;
        }

        foreach (var arg in args)
        {
            var (name, value) = arg.IndexOf('=') is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, "");
            switch (name)
            {
                case "--smoke":
                    break;
                case "--perf-map":
                    o.PerfMap = true;
                    break;
                case "--jit-warmup":
                    o.JitWarmup = value switch
                    {
                        "auto" or "" => true,
                        "off" => false,
                        _ => throw new ArgumentException($"--jit-warmup takes auto or off, not {value}.\n{Usage}"),
                    };
                    break;
                case "--variant":
                    o.Variants.Add(Variant.Parse(value));
                    break;
                case "--tracing":
                    o.Tracing = true;
                    break;
                case "--gateway-env":
                    foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        var at = pair.IndexOf('=');
                        o.GatewayEnvironment[pair[..at]] = pair[(at + 1)..];
                    }

                    break;
                case "--idle-seconds":
                    o.IdleSeconds = Math.Max(0, int.Parse(value, CultureInfo.InvariantCulture));
                    break;
                case "--no-build":
                    o.Build = false;
                    break;
                case "--rounds":
                    o.Rounds = Math.Max(1, int.Parse(value, CultureInfo.InvariantCulture));
                    break;
                case "--duration":
                    o.Duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
                    break;
                case "--warmup":
                    o.Warmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
                    break;
                case "--concurrency":
                    o.Concurrency = [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
                    break;
                case "--small-concurrency":
                    o.SmallConcurrency = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--latency-ms":
                    o.LatencyMs = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--targets":
                    o.Targets = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--portkey":
                    o.PortkeyPackage = value;
                    break;
                case "--tasks":
                    o.Tasks = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                case "--task-concurrency":
                    o.TaskConcurrency = [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
                    break;
                case "--e2e-tasks":
                    o.EndToEndTasks = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--e2e-workers":
                    o.EndToEndWorkers = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--inflight-tasks":
                    o.InFlightTasks = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--inflight-workers":
                    o.InFlightWorkers = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--inflight-latency-ms":
                    o.InFlightLatencyMs = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--batch-concurrency":
                    o.BatchClientConcurrency = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--storage":
                    o.Storage = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (o.Storage.Except(["sqlite", "postgres"]).FirstOrDefault() is { } unknown)
                    {
                        throw new ArgumentException($"Unknown storage {unknown} (sqlite, postgres).\n{Usage}");
                    }

                    break;
                case "--out":
                    o.Output = value;
                    break;
                case "-h" or "--help":
                    Console.WriteLine(Usage);
                    Environment.Exit(0);
                    break;
                default:
                    throw new ArgumentException($"Unknown option {arg}.\n{Usage}");
            }
        }

        return o;
    }
}
