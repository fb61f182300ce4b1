namespace Nanogate.IntegrationTests.Tasks;

/// <summary>Tests that measure the process's allocations run alone (xUnit runs non-parallel collections by themselves).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurements
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Memory measurements";
}
