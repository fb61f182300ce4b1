namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>A test that needs <see cref="SmallFilesystem"/>: skipped with the reason where tmpfs cannot be mounted, except in CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SmallFilesystemFactAttribute : FactAttribute
{
    public SmallFilesystemFactAttribute()
    {
        if (!SmallFilesystem.Available && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = SmallFilesystem.Unavailable;
        }
    }
}
