namespace Nanogate.Hosting;

/// <summary>The <c>Admin</c> configuration section.</summary>
internal sealed class AdminOptions
{
    /// <summary>The admin key for <c>/admin/v1</c> (<c>Admin:ApiKey</c>); generated on first start when unset.</summary>
    public string? ApiKey { get; set; }
}
