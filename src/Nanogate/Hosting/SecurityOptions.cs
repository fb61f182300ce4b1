namespace Nanogate.Hosting;

/// <summary>The <c>Security</c> configuration section.</summary>
internal sealed class SecurityOptions
{
    /// <summary>
    /// Allow loopback and private addresses for image URLs and webhook targets
    /// (<c>Security:AllowPrivateNetworkTargets</c>). For tests only.
    /// </summary>
    public bool AllowPrivateNetworkTargets { get; set; }
}
