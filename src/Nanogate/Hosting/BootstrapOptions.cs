using System.ComponentModel.DataAnnotations;

namespace Nanogate.Hosting;

/// <summary>The <c>Bootstrap</c> configuration section: a demo account for a fresh install.</summary>
internal sealed class BootstrapOptions
{
    /// <summary>If set, an account with exactly this API key exists (created on start).</summary>
    public string? DemoKey { get; set; }

    /// <summary>Credits of the demo account when it is created.</summary>
    [Range(0, long.MaxValue, ErrorMessage = "Bootstrap:DemoCredits must be zero or more.")]
    public long DemoCredits { get; set; } = 10_000;
}
