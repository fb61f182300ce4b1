using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Nanogate.Bench;

/// <summary>A target under load: where requests go, which process tree's memory counts, and what to say about it.</summary>
internal sealed record Target(string Name, Uri BaseUri, int? Pid, string Note, Func<string, RequestSpec?> Requests)
{
    /// <summary>A Nanogate process (the gateway, or the simulator for "direct"): its /metrics counts JIT work and allocations.</summary>
    public Uri? Metrics { get; init; }
}

/// <summary>Starts what the harness measures: two Nanogate processes, nginx and Portkey, each on a free loopback port.</summary>
internal sealed class Systems(string root, string work, bool perfMap = false) : IDisposable
{
    public const string Model = "gemini-3.1-flash-lite-image";
    public const string UpstreamKey = "bench-upstream-key";
    public const string GatewayKey = "sk-bench";

    public static readonly byte[] GeminiBody = Encoding.UTF8.GetBytes(
        """{"contents":[{"parts":[{"text":"bench image"}]}],"generationConfig":{"responseModalities":["IMAGE"],"imageConfig":{"aspectRatio":"1:1"}}}""");

    /// <summary>The same generation as an OpenAI chat request: Portkey maps modalities and image_config onto generationConfig.</summary>
    public static readonly byte[] PortkeyChatBody = Encoding.UTF8.GetBytes(
        """{"model":"gemini-3.1-flash-lite-image","messages":[{"role":"user","content":"bench image"}],"modalities":["image"],"image_config":{"aspect_ratio":"1:1"}}""");

    private readonly List<ManagedProcess> _processes = [];
    private int _disposed;

    public string NanogateDll => Path.Combine(root, "src/Nanogate/bin/Release/net10.0/Nanogate.dll");

    public static async Task<(int Code, string Output)> RunAsync(string fileName, string arguments, string workingDirectory, TimeSpan timeout, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = new StringBuilder();
        var gate = new Lock();
        process.OutputDataReceived += (_, e) => { lock (gate) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (gate) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout.TotalSeconds:0} s\n{output}");
        }

        lock (gate)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    /// <summary>A Nanogate process from the Release build on a free loopback port, with its own data directory.</summary>
    public async Task<(ManagedProcess Process, Uri BaseUri)> StartNanogateAsync(string name, IEnumerable<string> settings, IReadOnlyDictionary<string, string>? environment = null, string? dll = null)
    {
        var port = Ports.Free();
        var data = Path.Combine(work, name + "-data");
        Directory.CreateDirectory(data);
        var args = new List<string>
        {
            dll ?? NanogateDll,
            $"--urls=http://127.0.0.1:{port}",
            $"--Storage:DataDirectory={data}",
            "--Logging:LogLevel:Default=Warning",
        };
        args.AddRange(settings);
        // W^X off as well: with it on, JIT'd code runs from a memfd double mapping that perf attributes to
        // "memfd:doublemapper" instead of looking the frames up in /tmp/perf-PID.map.
        var env = perfMap ? new Dictionary<string, string> { ["DOTNET_PerfMapEnabled"] = "1", ["DOTNET_EnableWriteXorExecute"] = "0" } : null;
        if (environment is { Count: > 0 })
        {
            env ??= new Dictionary<string, string>();
            foreach (var (key, value) in environment)
            {
                env[key] = value;
            }
        }

        var process = Track(ManagedProcess.Start(name, "dotnet", args, work, Path.Combine(work, name + ".log"), env));
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        await WaitReadyAsync(process, new Uri(baseUri, "healthz"), TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return (process, baseUri);
    }

    /// <summary>nginx in front of the simulator, or the reason it cannot run.</summary>
    public async Task<(Target? Target, string? Skip)> StartNginxAsync(Uri upstream, bool mayInstall)
    {
        var nginx = FindExecutable("nginx", "/usr/sbin/nginx");
        if (nginx is null && mayInstall)
        {
            if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/apt-get"))
            {
                return (null, "nginx is not installed and apt-get is not available");
            }

            Console.WriteLine("nginx: not found, trying `apt-get install -y nginx` once…");
            var env = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            var (code, output) = await RunAsync("apt-get", "install -y -q nginx", work, TimeSpan.FromMinutes(4), env).ConfigureAwait(false);
            if (code != 0 && output.Contains("Unable to locate", StringComparison.Ordinal))
            {
                // A fresh container has no package lists yet.
                await RunAsync("apt-get", "update -q", work, TimeSpan.FromMinutes(4), env).ConfigureAwait(false);
                (code, output) = await RunAsync("apt-get", "install -y -q nginx", work, TimeSpan.FromMinutes(4), env).ConfigureAwait(false);
            }

            if (code != 0)
            {
                return (null, "apt-get install -y nginx failed: " + LastLine(output));
            }

            nginx = FindExecutable("nginx", "/usr/sbin/nginx");
        }

        if (nginx is null)
        {
            return (null, mayInstall ? "nginx not found after installing" : "nginx is not installed (the smoke run does not install it)");
        }

        // A fair proxy: 2 workers (one per core, like the other targets), upstream keep-alive, no access
        // log, and buffers big enough that a 1.4 MB answer never touches a temp file.
        var (process, baseUri, skip) = await StartNginxProcessAsync(
            nginx,
            "nginx",
            ["sendfile on;", "client_body_buffer_size 1m;"],
            $"upstream simulator {{ server {upstream.Host}:{upstream.Port}; keepalive 512; keepalive_requests 1000000; }}",
            [
                "proxy_pass http://simulator/simulator/;",
                "proxy_buffering on;",
                "proxy_buffer_size 64k;",
                "proxy_buffers 48 64k;",
                "proxy_busy_buffers_size 128k;",
                "proxy_max_temp_file_size 0;",
            ]).ConfigureAwait(false);
        if (process is null || baseUri is null)
        {
            return (null, skip);
        }

        var version = (await RunAsync(nginx, "-v", work, TimeSpan.FromSeconds(10)).ConfigureAwait(false)).Output.Trim();
        return (new Target("nginx", baseUri, process.Pid, $"proxy_pass to the simulator ({version.Replace("nginx version: ", "", StringComparison.Ordinal)})",
            s => s == "gemini" ? GeminiSpec(baseUri, "v1beta/models/" + Model + ":generateContent", UpstreamKey) : null), null);
    }

    /// <summary>
    /// nginx balancing over several Nanogate processes (round robin, upstream keep-alive, as a deployment would),
    /// or the reason it cannot run. Never installs nginx (the passthrough target does that in a full run).
    /// </summary>
    public async Task<(ManagedProcess? Process, Uri? BaseUri, string? Skip)> StartBalancerAsync(string name, IReadOnlyList<Uri> backends)
    {
        var nginx = FindExecutable("nginx", "/usr/sbin/nginx");
        if (nginx is null)
        {
            return (null, null, "nginx is not installed");
        }

        var servers = string.Concat(backends.Select(b => $"server {b.Host}:{b.Port}; "));
        return await StartNginxProcessAsync(
            nginx,
            name,
            [],
            $"upstream nanogate {{ {servers}keepalive 256; keepalive_requests 1000000; }}",
            [
                "proxy_pass http://nanogate;",
                "proxy_set_header Host $http_host;",
                "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                "proxy_set_header X-Forwarded-Proto $scheme;",
                "proxy_read_timeout 300s;",
            ]).ConfigureAwait(false);
    }

    /// <summary>
    /// One nginx on a free loopback port, proxying everything to <paramref name="upstream"/> with HTTP/1.1 keep-alive:
    /// writes its nginx.conf in <c>{work}/{name}</c>, checks it (<c>nginx -t</c>), starts it and waits for the port.
    /// The passthrough target and the balancer differ only in <paramref name="http"/> (extra http directives), the
    /// upstream block and the <paramref name="location"/> directives; the rest (workers, no access log, temp paths,
    /// client keep-alive) is the same for both.
    /// </summary>
    private async Task<(ManagedProcess? Process, Uri? BaseUri, string? Skip)> StartNginxProcessAsync(
        string nginx, string name, IReadOnlyList<string> http, string upstream, IReadOnlyList<string> location)
    {
        var port = Ports.Free();
        var dir = Path.Combine(work, name);
        Directory.CreateDirectory(Path.Combine(dir, "logs"));
        var conf = Path.Combine(dir, "nginx.conf");
        var user = Environment.UserName == "root" ? "user root;\n" : "";
        var httpLines = string.Concat(http.Select(line => "\n  " + line));
        var locationLines = string.Concat(location.Select(line => "\n      " + line));
        File.WriteAllText(conf, $$"""
            {{user}}worker_processes auto;
            pid {{dir}}/nginx.pid;
            error_log {{dir}}/logs/error.log warn;
            events { worker_connections 4096; multi_accept on; }
            http {
              access_log off;
              tcp_nodelay on;
              keepalive_requests 1000000;
              keepalive_timeout 120s;
              client_body_temp_path {{dir}}/client_body;
              proxy_temp_path {{dir}}/proxy;
              fastcgi_temp_path {{dir}}/fastcgi;
              uwsgi_temp_path {{dir}}/uwsgi;
              scgi_temp_path {{dir}}/scgi;
              client_max_body_size 32m;{{httpLines}}
              {{upstream}}
              server {
                listen 127.0.0.1:{{port}} backlog=4096;
                location / {
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";{{locationLines}}
                }
              }
            }
            """);
        var (testCode, testOutput) = await RunAsync(nginx, $"-t -c {conf} -p {dir}", work, TimeSpan.FromSeconds(20)).ConfigureAwait(false);
        if (testCode != 0)
        {
            return (null, null, "nginx -t failed: " + LastLine(testOutput));
        }

        var process = Track(ManagedProcess.Start(name, nginx, ["-c", conf, "-p", dir, "-g", "daemon off;"], dir, Path.Combine(work, name + ".log")));
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        try
        {
            await WaitForPortAsync(process, baseUri, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            return (null, null, e.Message);
        }

        return (process, baseUri, null);
    }

    /// <summary>Portkey's open-source gateway through npx, or the reason it cannot run.</summary>
    public async Task<(Target? Target, string? Skip, string RawRoute)> StartPortkeyAsync(Uri upstream, string package)
    {
        var npx = FindExecutable("npx", "/usr/bin/npx");
        if (npx is null)
        {
            return (null, "npx is not installed", "");
        }

        var port = Ports.Free();
        var dir = Path.Combine(work, "portkey");
        Directory.CreateDirectory(dir);
        var env = new Dictionary<string, string> { ["NODE_ENV"] = "production", ["npm_config_update_notifier"] = "false" };
        var process = Track(ManagedProcess.Start("portkey", npx, ["-y", package, $"--port={port}", "--headless"], dir, Path.Combine(work, "portkey.log"), env));
        var baseUri = new Uri($"http://127.0.0.1:{port}/");
        try
        {
            await WaitReadyAsync(process, baseUri, TimeSpan.FromMinutes(3)).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            return (null, e.Message, "");
        }

        // Portkey appends /v1beta/models/{m}:generateContent itself: the custom host is the Gemini base URL.
        var simulatorBase = new Uri(upstream, "simulator").ToString();
        var chat = new RequestSpec(HttpMethod.Post, new Uri(baseUri, "v1/chat/completions"), PortkeyChatBody,
        [
            new("x-portkey-provider", "google"),
            new("x-portkey-custom-host", simulatorBase),
            new("Authorization", "Bearer " + UpstreamKey),
        ]);

        // The raw Gemini route, as DESIGN.md reports it; probed once and reported, never measured.
        var raw = new RequestSpec(HttpMethod.Post, new Uri(baseUri, $"v1/v1beta/models/{Model}:generateContent"), GeminiBody,
        [
            new("x-portkey-provider", "google"),
            new("x-portkey-custom-host", new Uri(upstream, "simulator").ToString()),
            new("x-goog-api-key", UpstreamKey),
        ]);
        var rawResult = await Probe.OnceAsync(raw).ConfigureAwait(false);
        await Task.Delay(300).ConfigureAwait(false);
        var logged = process.Tail(60).Split('\n').LastOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) && !l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        if (logged is not null)
        {
            rawResult += $" [portkey log: {Probe.Squash(logged, 160)}]";
        }

        var version = package.Contains('@', StringComparison.Ordinal) ? package[(package.LastIndexOf('@') + 1)..] : package;
        return (new Target("portkey", baseUri, process.Pid, $"{package}: OpenAI chat route /v1/chat/completions (answer carries no image)",
            s => s == "gemini" ? chat : null), null, $"raw route /v1/v1beta/models/{{m}}:generateContent ({version}): {rawResult}");
    }

    public static RequestSpec GeminiSpec(Uri baseUri, string path, string key, int expected = 200) =>
        new(HttpMethod.Post, new Uri(baseUri, path), GeminiBody, [new("x-goog-api-key", key)], expected);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            _processes[i].Dispose();
        }
    }

    /// <summary>Stops one process the harness started (its data directory stays until the run ends).</summary>
    public void Stop(ManagedProcess process)
    {
        _processes.Remove(process);
        process.Dispose();
        try
        {
            // Thousands of generated images: free the disk now, not at the end of the run.
            Directory.Delete(Path.Combine(work, process.Name + "-data"), recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private ManagedProcess Track(ManagedProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private static async Task WaitReadyAsync(ManagedProcess process, Uri probe, TimeSpan timeout)
    {
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited during start-up:\n{process.Tail()}");
            }

            try
            {
                using var response = await client.GetAsync(probe).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"{process.Name} was not ready at {probe} after {timeout.TotalSeconds:0} s:\n{process.Tail()}");
    }

    private static async Task WaitForPortAsync(ManagedProcess process, Uri baseUri, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited during start-up:\n{process.Tail()}");
            }

            try
            {
                using var socket = new System.Net.Sockets.TcpClient();
                await socket.ConnectAsync(baseUri.Host, baseUri.Port).ConfigureAwait(false);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }

        throw new InvalidOperationException($"{process.Name} did not listen on {baseUri} after {timeout.TotalSeconds:0} s");
    }

    private static string? FindExecutable(string name, string fallback)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists(fallback) ? fallback : null;
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";
}

/// <summary>Single requests before the load: status, size, and a glimpse of an unexpected answer.</summary>
internal static class Probe
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<string> OnceAsync(RequestSpec spec)
    {
        try
        {
            using var request = spec.Create();
            var started = Stopwatch.GetTimestamp();
            using var response = await Client.SendAsync(request).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 4096));
            var image = text.Contains("inlineData", StringComparison.Ordinal) || text.Contains("inline_data", StringComparison.Ordinal) || text.Contains("data:image", StringComparison.Ordinal)
                || (body.Length > 4096 && Encoding.UTF8.GetString(body).Contains("inlineData", StringComparison.Ordinal));
            var summary = string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}, {body.Length:N0} bytes, {ms:0.0} ms, image {(image ? "yes" : "no")}");
            return (int)response.StatusCode == spec.ExpectedStatus
                ? summary
                : summary + ": " + Squash(text, 240);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    public static string Squash(string text, int max)
    {
        var flat = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return flat.Length <= max ? flat : flat[..max] + "…";
    }
}
