using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nanogate.Bench;

/// <summary>A child process the harness started: output goes to a log file, killed (whole tree) on dispose.</summary>
internal sealed class ManagedProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();

    private ManagedProcess(string name, Process process, string logPath)
    {
        Name = name;
        _process = process;
        LogPath = logPath;
        _log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ManagedProcess Start(string name, string fileName, IEnumerable<string> args, string workingDirectory, string logPath, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        return new ManagedProcess(name, process, logPath);
    }

    /// <summary>The last lines of the process's output (for a skip reason or a failure).</summary>
    public string Tail(int lines = 15)
    {
        lock (_gate)
        {
            _log.Flush();
        }

        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }

        lock (_gate)
        {
            _log.Dispose();
        }

        _process.Dispose();
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}

internal static class Ports
{
    /// <summary>A loopback port that was free a moment ago.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>Resident memory from /proc: a process and all its descendants (nginx workers, npx → node).</summary>
internal static class ProcMemory
{
    public static bool Available => File.Exists("/proc/self/status");

    /// <summary>The pid and every descendant, found through /proc/*/stat parent ids.</summary>
    public static IReadOnlyList<int> Tree(int root)
    {
        if (!Available)
        {
            return [root];
        }

        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(pid);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        var result = new List<int>();
        var queue = new Queue<int>();
        queue.Enqueue(root);
        while (queue.TryDequeue(out var pid))
        {
            result.Add(pid);
            if (children.TryGetValue(pid, out var list))
            {
                foreach (var child in list)
                {
                    queue.Enqueue(child);
                }
            }
        }

        return result;
    }

    /// <summary>A field of /proc/{pid}/status in kB (VmRSS, VmHWM), 0 when unreadable.</summary>
    public static long StatusKb(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal) && line.Length > field.Length && line[field.Length] == ':')
                {
                    var digits = line[(field.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(digits, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }

    public static long TreeRssKb(IReadOnlyList<int> pids)
    {
        long sum = 0;
        foreach (var pid in pids)
        {
            sum += StatusKb(pid, "VmRSS");
        }

        return sum;
    }

    public static long TreeHwmKb(IReadOnlyList<int> pids)
    {
        long sum = 0;
        foreach (var pid in pids)
        {
            sum += StatusKb(pid, "VmHWM");
        }

        return sum;
    }
}

/// <summary>Samples the summed RSS of a process tree every 50 ms while a measurement runs.</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly IReadOnlyList<int> _pids;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peakKb;

    public RssSampler(int rootPid)
    {
        _pids = ProcMemory.Tree(rootPid);
        _peakKb = ProcMemory.TreeRssKb(_pids);
        _loop = Task.Run(LoopAsync);
    }

    public long PeakKb => Volatile.Read(ref _peakKb);

    /// <summary>The processes of the tree (found when sampling started).</summary>
    public IReadOnlyList<int> Pids => _pids;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Sample();
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
        {
            Sample();
        }
    }

    private void Sample()
    {
        var now = ProcMemory.TreeRssKb(_pids);
        if (now > Volatile.Read(ref _peakKb))
        {
            Volatile.Write(ref _peakKb, now);
        }
    }
}

/// <summary>CPU time of a process from /proc/{pid}/stat (user + system), in seconds; 0 when unreadable.</summary>
internal static class ProcCpu
{
    public static double Seconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of stat, i.e. 12 and 13 after the command name; USER_HZ is 100 on Linux.
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
