namespace Nanogate.Operations;

/// <summary>The body of <c>/readyz</c>: <c>status</c> and, when not ready, the <c>reason</c>.</summary>
internal sealed record ReadyBody(string Status, string? Reason);
