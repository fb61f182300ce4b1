using System.Text.Json.Serialization;

namespace Nanogate.Tasks.Wire;

/// <summary><c>GET /v1/tasks</c>: the caller's tasks, newest first.</summary>
/// <param name="Object">Always <c>list</c>.</param>
/// <param name="Data">The page.</param>
/// <param name="HasMore">Whether older tasks follow.</param>
/// <param name="NextCursor">The <c>after</c> of the next page, or null.</param>
internal sealed record TaskList([property: JsonPropertyName("object")] string Object, IReadOnlyList<TaskObject> Data, bool HasMore, string? NextCursor);
