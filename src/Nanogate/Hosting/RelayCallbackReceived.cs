namespace Nanogate.Hosting;

/// <summary><c>POST /v1/relay-callbacks/{token}</c>: the waiting relay was woken.</summary>
/// <param name="Received">Always true.</param>
internal sealed record RelayCallbackReceived(bool Received);
