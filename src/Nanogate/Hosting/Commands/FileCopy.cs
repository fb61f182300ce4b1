namespace Nanogate.Hosting.Commands;

/// <summary>Copies a folder tree for backup and restore, never overwriting a file that is already there with the same length.</summary>
internal static class FileCopy
{
    /// <summary>Copies the files matching <paramref name="pattern"/> under <paramref name="source"/> (if it exists) into <paramref name="target"/>.</summary>
    public static FileCopyResult CopyTree(string source, string target, string pattern)
    {
        if (!Directory.Exists(source))
        {
            return default;
        }

        int files = 0;
        long bytes = 0;
        foreach (var file in Directory.EnumerateFiles(source, pattern, SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            var length = new FileInfo(file).Length;
            if (File.Exists(destination) && new FileInfo(destination).Length == length)
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            try
            {
                File.Copy(file, destination, overwrite: true);
            }
            catch (FileNotFoundException)
            {
                // Deleted (expired, swept) between the listing and the copy: nothing to keep.
                continue;
            }

            files++;
            bytes += length;
        }

        return new FileCopyResult(files, bytes);
    }
}
