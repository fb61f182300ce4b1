using System.Text.Json.Serialization;

namespace Nanogate.Upstreams.Simulator;

/// <summary>Source-generated JSON for the strings the simulator's OpenAI and task surfaces quote.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class SimulatorJsonContext : JsonSerializerContext;
