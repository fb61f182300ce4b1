using System.Text.Json.Serialization;

namespace Nanogate.Admin.Wire;

/// <summary>Every channel (the answer to a listing and to every change, which shows the result at once).</summary>
/// <param name="Object">Always <c>list</c>.</param>
/// <param name="Data">The channels in routing order.</param>
internal sealed record ChannelList([property: JsonPropertyName("object")] string Object, IReadOnlyList<ChannelView> Data);
