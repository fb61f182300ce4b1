using Nanogate.Media.Files;

namespace Nanogate.Tests.Media;

public sealed class DirectFileWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nanogate-direct-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(1_061_234)]
    [InlineData(3 * 1024 * 1024)]
    public void A_new_file_holds_exactly_the_bytes_of_any_length(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        var path = Path.Combine(_dir, $"f{length}");

        var direct = DirectFileWriter.TryWriteNew(path, data);

        // On Linux with ext4 (where the tests run) the direct path is taken; elsewhere nothing is created.
        Assert.Equal(OperatingSystem.IsLinux() && DirectFileWriter.Supported, direct);
        if (direct)
        {
            Assert.Equal(data, File.ReadAllBytes(path));
        }
        else
        {
            Assert.False(File.Exists(path));
        }
    }

    [Fact]
    public void An_existing_file_is_never_overwritten()
    {
        var path = Path.Combine(_dir, "taken");
        File.WriteAllBytes(path, [1, 2, 3]);
        if (!DirectFileWriter.Supported)
        {
            Assert.False(DirectFileWriter.TryWriteNew(path, new byte[10]));
        }
        else
        {
            var e = Assert.Throws<IOException>(() => DirectFileWriter.TryWriteNew(path, new byte[10]));
            Assert.Contains("taken", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
    }

    [Fact]
    public void Direct_writes_are_available_on_the_linux_file_system_the_tests_use()
    {
        // Guards the benchmark's assumption: if this fails the media store silently uses the page cache.
        Assert.Equal(OperatingSystem.IsLinux(), DirectFileWriter.TryWriteNew(Path.Combine(_dir, "probe"), new byte[5000]));
    }
}
