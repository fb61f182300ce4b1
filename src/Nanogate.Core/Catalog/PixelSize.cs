namespace Nanogate.Core.Catalog;

/// <summary>Output dimensions in pixels.</summary>
public readonly record struct PixelSize(int Width, int Height)
{
    /// <inheritdoc />
    public override string ToString() => $"{Width}x{Height}";
}
