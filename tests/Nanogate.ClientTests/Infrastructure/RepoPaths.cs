namespace Nanogate.ClientTests.Infrastructure;

/// <summary>Paths in the repository the tests run from.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding Nanogate.slnx.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Nanogate.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Nanogate.slnx not found above " + AppContext.BaseDirectory);
    }
}
