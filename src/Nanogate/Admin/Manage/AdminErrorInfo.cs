namespace Nanogate.Admin.Manage;

/// <summary>An error code and message.</summary>
internal sealed record AdminErrorInfo(string? Code, string? Message);
