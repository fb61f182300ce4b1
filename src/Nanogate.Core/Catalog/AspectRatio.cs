using System.Globalization;

namespace Nanogate.Core.Catalog;

/// <summary>An aspect ratio such as 16:9.</summary>
public readonly record struct AspectRatio(int Width, int Height)
{
    /// <summary>Width divided by height.</summary>
    public double Value => (double)Width / Height;

    /// <summary>Parses "W:H" with positive integers (surrounding spaces allowed).</summary>
    public static bool TryParse(string? text, out AspectRatio ratio)
    {
        ratio = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Trim().Split(':');
        if (parts.Length != 2
            || !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            || !int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            || w <= 0 || h <= 0)
        {
            return false;
        }

        ratio = new AspectRatio(w, h);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}:{Height}");
}
