using System.ComponentModel.DataAnnotations;

namespace Nanogate.Hosting;

/// <summary>The <c>Limits</c> configuration section.</summary>
internal sealed class LimitsOptions
{
    /// <summary>The default: the seeds' largest request, 14 references of 10 MB as data URIs, with room to spare.</summary>
    /// <remarks>
    /// 14 × (10 MiB in base64 = 13,981,016 bytes + the <c>data:image/jpeg;base64,</c> prefix) ≈ 195.7 MB = 186.7 MiB;
    /// 200 MiB leaves 13 MiB for the prompt and the rest. Such a body is held in memory once (see TaskBodyReader);
    /// what passes Google's own inline budget (100 MB) is uploaded through the Files API by the channel.
    /// </remarks>
    public const int DefaultMaxRequestBodyMB = 200;

    /// <summary>
    /// Largest request body in MiB (<c>Limits:MaxRequestBodyMB</c>): by default large enough for 14 data URIs of
    /// 10 MB, the most the seeds document.
    /// </summary>
    [Range(1, 1024, ErrorMessage = "Limits:MaxRequestBodyMB must be between 1 and 1024.")]
    public int MaxRequestBodyMB { get; set; } = DefaultMaxRequestBodyMB;
}
