using System.Buffers.Binary;

namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>Reads a PNG's size independently of the code under test.</summary>
public static class Png
{
    public static (int Width, int Height) Size(byte[] png)
    {
        Assert.True(png.Length > 24, "not a PNG: too short");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }
}
