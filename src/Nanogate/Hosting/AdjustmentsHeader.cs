using System.Text;

namespace Nanogate.Hosting;

/// <summary>
/// The <c>x-nanogate-adjustments</c> header: every change Nanogate made to a request, joined by "; ".
/// Header values must be ASCII (a warning may quote a caller's field name), so anything else becomes '?'.
/// </summary>
internal static class AdjustmentsHeader
{
    /// <summary>The header's name.</summary>
    public const string Name = "x-nanogate-adjustments";

    /// <summary>Sets the header when there is anything to report.</summary>
    public static void Set(HttpResponse response, IReadOnlyCollection<string> adjustments)
    {
        if (adjustments.Count == 0)
        {
            return;
        }

        var text = new StringBuilder();
        foreach (var c in string.Join("; ", adjustments))
        {
            text.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        response.Headers[Name] = text.ToString();
    }
}
