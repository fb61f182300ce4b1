namespace Nanogate.Hosting;

/// <summary>The error envelope.</summary>
internal sealed record ApiErrorBody(ApiErrorDetail Error);
