using System.Diagnostics;
using System.Net.Sockets;

namespace Nanogate.IntegrationTests.ScaleOut;

/// <summary>
/// A real Nanogate process (the Release build of <c>src/Nanogate</c>, run with <c>dotnet</c>) on a fixed loopback
/// port, so that it can be killed with SIGKILL and started again at the same address behind a load balancer.
/// </summary>
public sealed class NanogateProcess : IAsyncDisposable
{
    private readonly string _logPath;
    private readonly IReadOnlyList<string> _settings;
    private Process? _process;
    private int _starts;

    public NanogateProcess(string name, int port, string logDirectory, IReadOnlyList<string> settings)
    {
        Name = name;
        Port = port;
        _settings = settings;
        _logPath = Path.Combine(logDirectory, name + ".log");
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>The running process's id (for reading its resident memory from <c>/proc</c>), or null when stopped.</summary>
    public int? ProcessId => _process is { HasExited: false } process ? process.Id : null;

    /// <summary>The Release build of the server, next to this test assembly's repository.</summary>
    public static string ServerDll
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Nanogate.slnx")))
            {
                dir = dir.Parent;
            }

            var dll = Path.Combine(dir?.FullName ?? ".", "src/Nanogate/bin/Release/net10.0/Nanogate.dll");
            return File.Exists(dll) ? dll : throw new InvalidOperationException($"Build the server first (dotnet build -c Release): {dll} is missing.");
        }
    }

    /// <summary>A free loopback port (the OS picks it; it is released for the process to bind).</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the process and waits until <c>/readyz</c> answers 200.</summary>
    public async Task StartAsync(TimeSpan timeout)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ServerDll);
        info.ArgumentList.Add($"--urls=http://127.0.0.1:{Port}");
        foreach (var setting in _settings)
        {
            info.ArgumentList.Add("--" + setting);
        }

        info.Environment["DOTNET_gcServer"] = "0";
        var log = new StreamWriter(_logPath, append: true) { AutoFlush = true };
        await log.WriteLineAsync($"==== start {++_starts} ====");
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {process.ExitCode} while starting; see {_logPath}:\n{Tail()}");
            }

            try
            {
                if ((await http.GetAsync(new Uri(BaseAddress, "readyz"))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or SocketException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds} s; see {_logPath}:\n{Tail()}");
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly as a crash or an OOM kill.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM, as an orchestrator stops a process: waits for it to exit and returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} was never started.");
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(wait.Token);
        return process.ExitCode;
    }

    /// <summary>The end of the log, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(_logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            // SIGTERM first so the process removes nothing half-written; then make sure.
            try
            {
                Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit(5000);
                if (!process.WaitForExit(15_000))
                {
                    process.Kill();
                }
            }
            catch (InvalidOperationException)
            {
            }
        }

        _process?.Dispose();
        _process = null; // disposing twice (explicitly, then by `await using`) is harmless
        return ValueTask.CompletedTask;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
