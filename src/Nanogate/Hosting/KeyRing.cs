namespace Nanogate.Hosting;

/// <summary>Where the Data Protection key ring lives (it encrypts stored channel credentials): one rule for the server and its commands.</summary>
internal static class KeyRing
{
    /// <summary><c>DataProtection:KeysDirectory</c>, or <c>keys</c> under <c>Storage:DataDirectory</c> (full path).</summary>
    public static string Directory(IConfiguration configuration) =>
        Path.GetFullPath(configuration["DataProtection:KeysDirectory"] is { Length: > 0 } keys
            ? keys
            : Path.Combine(configuration["Storage:DataDirectory"] is { Length: > 0 } data ? data : "./data", "keys"));
}
