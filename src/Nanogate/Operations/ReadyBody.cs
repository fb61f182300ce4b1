namespace Nanogate.Operations;

/// <summary>
/// The body of <c>/readyz</c>: <c>status</c>; when not ready, the <c>reason</c>; and <c>warnings</c> from degraded checks
/// (no upstream channel available), which keep the process ready.
/// </summary>
internal sealed record ReadyBody(string Status, string? Reason, IReadOnlyList<string>? Warnings = null);
