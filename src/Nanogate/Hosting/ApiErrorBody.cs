namespace Nanogate.Hosting;

/// <summary>The error envelope.</summary>
public sealed record ApiErrorBody(ApiErrorDetail Error);
