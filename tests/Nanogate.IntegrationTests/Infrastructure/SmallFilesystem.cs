using System.Diagnostics;

namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>
/// A real 16 MiB file system (room for a few simulator images of up to ~1.5 MB) (tmpfs) mounted on a temp folder, for the disk campaign: <see cref="FillAsync"/> fills it
/// to the last byte (writes then fail with ENOSPC), <see cref="SetReadOnlyAsync"/> remounts it read-only (EROFS),
/// and both are undone without restarting anything. Needs root (or CAP_SYS_ADMIN): see <see cref="Available"/>.
/// </summary>
public sealed class SmallFilesystem : IAsyncDisposable
{
    private static readonly Lazy<string?> Probe = new(ProbeMount);

    private SmallFilesystem(string path) => Path = path;

    /// <summary>Why small file systems cannot be mounted here, or null when they can.</summary>
    public static string? Unavailable => Probe.Value;

    /// <summary>Whether this machine can mount one.</summary>
    public static bool Available => Probe.Value is null;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    /// <summary>Mounts a fresh 16 MiB tmpfs.</summary>
    public static async Task<SmallFilesystem> MountAsync()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nanogate-small-fs", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=16m,mode=0777", "tmpfs", path);
        return new SmallFilesystem(path);
    }

    /// <summary>Fills every free byte with a filler file; returns how many bytes it took.</summary>
    public Task<long> FillAsync()
    {
        long written = 0;
        var block = new byte[4096];
        using var file = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            while (true)
            {
                file.Write(block);
                written += block.Length;
            }
        }
        catch (IOException)
        {
            // ENOSPC: full.
        }

        return Task.FromResult(written);
    }

    /// <summary>Deletes the filler: room again.</summary>
    public void Free() => File.Delete(Filler);

    /// <summary>Remounts read-only (true) or read-write (false).</summary>
    public Task SetReadOnlyAsync(bool readOnly) => RunAsync("mount", "-o", readOnly ? "remount,ro" : "remount,rw", Path);

    /// <summary>The files under the mount other than the filler (the media a test left there).</summary>
    public IReadOnlyList<string> MediaFiles() =>
        [.. Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories).Where(f => f != Filler)];

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("umount", "-l", Path);
            Directory.Delete(Path);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
        }
    }

    private static string? ProbeMount()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "small file systems are mounted with Linux tmpfs";
        }

        try
        {
            var fs = MountAsync().GetAwaiter().GetResult();
            fs.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): {e.Message}";
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Trim()}");
        }
    }
}
