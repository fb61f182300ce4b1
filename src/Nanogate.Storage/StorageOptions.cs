using System.ComponentModel.DataAnnotations;

namespace Nanogate.Storage;

/// <summary>Where Nanogate keeps its state. Bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary>Folder for the SQLite database and media files (<c>Storage:DataDirectory</c>).</summary>
    [Required]
    public string DataDirectory { get; set; } = "./data";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c> (<c>Storage:Provider</c>).</summary>
    [RegularExpression("^(?i)(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";
}
