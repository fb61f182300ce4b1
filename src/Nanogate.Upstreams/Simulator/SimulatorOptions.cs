namespace Nanogate.Upstreams.Simulator;

/// <summary>The <c>Simulator</c> configuration section.</summary>
public sealed class SimulatorOptions
{
    /// <summary>Serve and route to the simulator.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Simulated generation time in milliseconds.</summary>
    public int LatencyMs { get; set; } = 1500;
}
