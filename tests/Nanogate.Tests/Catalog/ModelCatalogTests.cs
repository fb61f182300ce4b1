using Nanogate.Core.Catalog;

namespace Nanogate.Tests.Catalog;

public class ModelCatalogTests
{
    private readonly ModelCatalog _catalog = ModelCatalog.Default;

    [Theory]
    [InlineData("gemini-3.1-flash-lite-image", "gemini-3.1-flash-lite-image")]
    [InlineData("nano-banana-2-lite", "gemini-3.1-flash-lite-image")]
    [InlineData("gemini-3-1-flash-lite-image", "gemini-3.1-flash-lite-image")]
    [InlineData("models/gemini-3.1-flash-lite-image", "gemini-3.1-flash-lite-image")]
    [InlineData("NANO-BANANA-2-LITE", "gemini-3.1-flash-lite-image")]
    [InlineData("gemini-3.1-flash-image", "gemini-3.1-flash-image")]
    [InlineData("gemini-3.1-flash-image-preview", "gemini-3.1-flash-image")]
    [InlineData("nano-banana-2", "gemini-3.1-flash-image")]
    [InlineData("google/nano-banana-2", "gemini-3.1-flash-image")]
    [InlineData("google/gemini-3-1-flash-image-preview", "gemini-3.1-flash-image")]
    [InlineData("gemini-3-pro-image", "gemini-3-pro-image")]
    [InlineData("gemini-3-pro-image-preview", "gemini-3-pro-image")]
    [InlineData("nano-banana-pro", "gemini-3-pro-image")]
    [InlineData("gemini-2.5-flash-image", "gemini-2.5-flash-image")]
    [InlineData("nano-banana", "gemini-2.5-flash-image")]
    public void Aliases_resolve_to_the_stable_id(string name, string id) => Assert.Equal(id, _catalog.Find(name)?.Id);

    [Theory]
    [InlineData("")]
    [InlineData("gpt-image-1")]
    [InlineData("nano-banana-3")]
    public void Unknown_names_are_not_found(string name) => Assert.Null(_catalog.Find(name));
}
