using System.Diagnostics;
using System.Net.Sockets;

namespace Nanogate.IntegrationTests.ScaleOut;

/// <summary>nginx (Debian's) as a round-robin load balancer in front of several Nanogate processes on loopback.</summary>
public sealed class NginxBalancer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private NginxBalancer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseAddress { get; }

    /// <summary>The nginx binary, or null when it is not installed.</summary>
    public static string? Find() => new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists);

    /// <summary>
    /// Starts nginx on a free port balancing over <paramref name="backends"/>. A backend that refuses connections
    /// (killed) is skipped for the request (<c>proxy_next_upstream error</c>); a request already sent to a backend
    /// that then dies is not replayed (POST is not idempotent): the client retries it with its Idempotency-Key.
    /// </summary>
    public static async Task<NginxBalancer> StartAsync(string nginx, string directory, IEnumerable<int> backends)
    {
        Directory.CreateDirectory(Path.Combine(directory, "logs"));
        var port = NanogateProcess.FreePort();
        var servers = string.Join("\n", backends.Select(p => $"    server 127.0.0.1:{p} max_fails=1 fail_timeout=1s;"));
        var user = Environment.UserName == "root" ? "user root;\n" : "";
        var conf = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(conf, $$"""
            {{user}}worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/logs/error.log warn;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_body_temp_path {{directory}}/client_body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
              client_max_body_size 64m;
              upstream nanogate {
            {{servers}}
                keepalive 64;
              }
              server {
                listen 127.0.0.1:{{port}};
                location / {
                  proxy_pass http://nanogate;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_set_header Host $host:$server_port;
                  proxy_next_upstream error timeout;
                  proxy_connect_timeout 2s;
                  proxy_read_timeout 120s;
                  proxy_buffering off;
                }
              }
            }
            """);
        var info = new ProcessStartInfo(nginx) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", conf, "-p", directory, "-g", "daemon off;" })
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("nginx did not start");
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("nginx exited: " + await process.StandardError.ReadToEndAsync());
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return new NginxBalancer(process, directory, port);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new TimeoutException("nginx did not listen within 15 s");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The whole tree: killing the master alone left its worker running, orphaned, after the test run.
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
        _ = _directory;
        return ValueTask.CompletedTask;
    }
}
