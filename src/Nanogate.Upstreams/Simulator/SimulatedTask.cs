using Nanogate.Core.Catalog;

namespace Nanogate.Upstreams.Simulator;

/// <summary>A task of the simulator's task surface: what to draw, its fault, and when it is done.</summary>
internal sealed record SimulatedTask(string Id, string Prompt, ModelInfo Model, AspectRatio Ratio, ImageSize Size, SimulatorFault Fault, DateTimeOffset Due);
