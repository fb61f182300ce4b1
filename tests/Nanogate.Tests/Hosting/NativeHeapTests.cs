using System.Runtime.InteropServices;
using Nanogate.Hosting;

namespace Nanogate.Tests.Hosting;

/// <summary>The C heap trim the memory trimmer runs after its collections (glibc's <c>malloc_trim</c>).</summary>
public sealed class NativeHeapTests
{
    private const int PageSize = 4096;

    [Fact]
    public void Trim_gives_the_pages_inside_freed_native_blocks_back_to_the_system()
    {
        // 2,000 blocks of 64 KB written to (resident), every other one freed: free() keeps the holes (the block after
        // each is still in use, so nothing joins the top of the heap, which glibc trims by itself).
        const int Blocks = 2_000, BlockSize = 64 << 10;
        var blocks = new nint[Blocks];
        var fill = new byte[BlockSize];
        Array.Fill(fill, (byte)0x5a);
        for (var i = 0; i < Blocks; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(BlockSize);
            Marshal.Copy(fill, 0, blocks[i], BlockSize);
        }

        try
        {
            var freed = Enumerable.Range(0, Blocks).Where(i => i % 2 == 1).Select(i => blocks[i]).ToList();
            foreach (var block in freed)
            {
                Marshal.FreeHGlobal(block);
            }

            Assert.True(ResidentShare(freed) > 0.9, "the freed blocks' pages should still be resident before the trim");

            Assert.True(NativeHeap.Trim(), "glibc's malloc_trim should be found on Linux");

            // Another thread may reuse a hole meanwhile; nearly all of them must be gone.
            var after = ResidentShare(freed);
            Assert.True(after < 0.1, $"{after:P0} of the freed blocks' inner pages are still resident after the trim");
        }
        finally
        {
            for (var i = 0; i < Blocks; i += 2)
            {
                Marshal.FreeHGlobal(blocks[i]);
            }
        }
    }

    /// <summary>
    /// The share of the whole pages inside <paramref name="blocks"/> (past each block's first page, which holds the
    /// allocator's bookkeeping) that are in memory, from <c>/proc/self/pagemap</c> (bit 63: present).
    /// </summary>
    private static double ResidentShare(List<nint> blocks)
    {
        using var pagemap = File.OpenHandle("/proc/self/pagemap");
        Span<byte> entry = stackalloc byte[8];
        int present = 0, total = 0;
        foreach (var block in blocks)
        {
            var first = (block / PageSize) + 1;
            var last = ((block + (64 << 10)) / PageSize) - 1;
            for (var page = first; page < last; page++)
            {
                RandomAccess.Read(pagemap, entry, page * 8L);
                total++;
                if ((BitConverter.ToUInt64(entry) >> 63) == 1)
                {
                    present++;
                }
            }
        }

        return (double)present / total;
    }
}
