using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nanogate.IntegrationTests.Security;

/// <summary>A TCP server on 127.0.0.1 that answers every request with hand-written bytes (for responses Kestrel refuses to send, such as lying framing).</summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<Stream, CancellationToken, Task> _respond;
    private readonly Task _loop;

    public RawHttpServer(Func<Stream, CancellationToken, Task> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private int _connections;

    public int Connections => Volatile.Read(ref _connections);

    public static async Task WriteAsync(Stream stream, string head, CancellationToken ct) =>
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), ct);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try
                    {
                        var stream = client.GetStream();
                        var seen = new List<byte>();
                        var one = new byte[1];
                        while (!EndsWithBlankLine(seen) && await stream.ReadAsync(one, _stop.Token) == 1)
                        {
                            seen.Add(one[0]);
                        }

                        await _respond(stream, _stop.Token);
                    }
                    catch (Exception)
                    {
                        // The client hung up (the byte cap) or the test ended.
                    }
                }
            });
        }
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
