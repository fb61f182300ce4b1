using Nanogate.Upstreams.Simulator;

namespace Nanogate.Tests.Simulator;

public class SimulatorMarkersTests
{
    [Theory]
    [InlineData("a cat", "None", 0)]
    [InlineData("a cat [sim:429]", "RateLimited", 0)]
    [InlineData("[SIM:500] a cat", "Internal", 0)]
    [InlineData("[sim:503]", "Unavailable", 0)]
    [InlineData("[Sim:Timeout]", "Timeout", 0)]
    [InlineData("[sim:malformed]", "Malformed", 0)]
    [InlineData("[sim:blocked]", "Blocked", 0)]
    [InlineData("[sim:NoImage]", "NoImage", 0)]
    [InlineData("[sim:slow:250]", "None", 250)]
    [InlineData("[sim:slow:250] [sim:503] [sim:slow:50]", "Unavailable", 300)]
    [InlineData("[sim:blocked][sim:429]", "Blocked", 0)]
    [InlineData("[sim:slow:99999999999]", "None", 600_000)]
    [InlineData("[sim:unknown] [sim:slow] [sim 429] sim:500", "None", 0)]
    public void Markers_are_found_in_any_case_and_slow_combines(string prompt, string fault, int extraMs)
    {
        var markers = SimulatorMarkers.Parse(prompt);

        Assert.Equal(Enum.Parse<SimulatorFault>(fault), markers.Fault);
        Assert.Equal(extraMs, markers.ExtraLatencyMs);
    }
}

public class CountedSimulatorMarkerTests
{
    [Fact]
    public void A_counted_marker_faults_only_the_first_n_calls_of_its_prompt()
    {
        var prompt = $"counted {Guid.NewGuid()} [sim:503:2]";
        var markers = Nanogate.Upstreams.Simulator.SimulatorMarkers.Parse(prompt);
        Assert.Equal(2, markers.FaultCalls);
        Assert.Equal(Nanogate.Upstreams.Simulator.SimulatorFault.Unavailable, markers.FaultForThisCall(prompt));
        Assert.Equal(Nanogate.Upstreams.Simulator.SimulatorFault.Unavailable, markers.FaultForThisCall(prompt));
        Assert.Equal(Nanogate.Upstreams.Simulator.SimulatorFault.None, markers.FaultForThisCall(prompt));
    }

    [Fact]
    public void An_uncounted_marker_faults_every_call()
    {
        var prompt = $"always {Guid.NewGuid()} [sim:blocked]";
        var markers = Nanogate.Upstreams.Simulator.SimulatorMarkers.Parse(prompt);
        Assert.Null(markers.FaultCalls);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Nanogate.Upstreams.Simulator.SimulatorFault.Blocked, markers.FaultForThisCall(prompt));
        }
    }
}
