namespace Nanogate.Storage.Migrations;

/// <summary>The SQL migration files embedded in this assembly, one folder per provider.</summary>
internal static class EmbeddedMigrations
{
    /// <summary>The migrations of <paramref name="provider"/> (its folder name), ordered by file name (their version).</summary>
    public static IEnumerable<(string Version, string Sql)> Load(string provider)
    {
        var assembly = typeof(EmbeddedMigrations).Assembly;
        var prefix = $"{assembly.GetName().Name}.Migrations.{provider}.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (Path.GetFileNameWithoutExtension(name[prefix.Length..]), reader.ReadToEnd());
        }
    }
}
