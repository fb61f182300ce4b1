using System.Runtime.InteropServices;

namespace Nanogate.Hosting;

/// <summary>
/// Returns the C heap's free pages to the system (glibc's <c>malloc_trim</c>). The GC gives back only the managed heap;
/// what native code freed (SQLite's page cache and statements, OpenSSL, the runtime's and the JIT's own allocations)
/// stays in glibc's arenas, which trim only the top of a heap and only past a threshold that grows with the largest
/// block ever freed. Measured (issue 17, sixth pass): a gateway idle for over a minute after a 1.4 MB passthrough load
/// at c=1/64/256, trimmed by <see cref="MemoryTrimmer"/>'s collection, held 159 MB of RSS, 50 MB of it anonymous; one
/// <c>malloc_trim(0)</c> took it to 147 MB (37 MB anonymous). Not glibc (musl, macOS, Windows): nothing to do.
/// </summary>
internal static partial class NativeHeap
{
    // Checked once: a libc without the symbol stays without it.
    private static bool s_unavailable = !OperatingSystem.IsLinux();

    /// <summary>Trims the C heap where glibc is the allocator; false where there is nothing to call.</summary>
    public static bool Trim()
    {
        if (s_unavailable)
        {
            return false;
        }

        try
        {
            // 0: keep no padding at the top of the main heap; every arena's free pages in the middle go back too (glibc ≥ 2.8).
            _ = MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            s_unavailable = true;
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
