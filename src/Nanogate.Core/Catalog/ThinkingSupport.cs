namespace Nanogate.Core.Catalog;

/// <summary>How a model thinks.</summary>
public enum ThinkingSupport
{
    /// <summary>No thinking; thinking settings are ignored with a warning.</summary>
    None,
    /// <summary>Thinking level can be chosen: minimal or high.</summary>
    Levels,
    /// <summary>The model always thinks; the level cannot be changed.</summary>
    AlwaysOn,
}
