using System.ComponentModel.DataAnnotations;

namespace Nanogate.Hosting;

/// <summary>The <c>Limits</c> configuration section.</summary>
public sealed class LimitsOptions
{
    /// <summary>
    /// Largest request body in MiB (<c>Limits:MaxRequestBodyMB</c>). Google itself caps inline
    /// request data at 20 MB; the default leaves room for JSON overhead.
    /// </summary>
    [Range(1, 1024, ErrorMessage = "Limits:MaxRequestBodyMB must be between 1 and 1024.")]
    public int MaxRequestBodyMB { get; set; } = 32;
}
