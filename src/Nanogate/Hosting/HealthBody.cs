namespace Nanogate.Hosting;

/// <summary><c>GET /healthz</c>: the process is up.</summary>
/// <param name="Status">Always <c>ok</c>.</param>
internal sealed record HealthBody(string Status);
