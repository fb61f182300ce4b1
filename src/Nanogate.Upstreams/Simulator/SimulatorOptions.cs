using System.ComponentModel.DataAnnotations;

namespace Nanogate.Upstreams.Simulator;

/// <summary>Settings of the built-in Gemini simulator, bound from the "Simulator" configuration section.</summary>
public sealed class SimulatorOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Simulator";

    /// <summary>Whether <c>/simulator</c> answers; when false it answers 404 NOT_FOUND.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Simulated generation time in milliseconds, waited before the image is sent (tests use 0).</summary>
    [Range(0, 600_000)]
    public int LatencyMs { get; set; } = 1500;
}
