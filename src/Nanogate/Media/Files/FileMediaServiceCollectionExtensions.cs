namespace Nanogate.Media.Files;

/// <summary>Registers <c>Media:Provider=files</c>.</summary>
internal static class FileMediaServiceCollectionExtensions
{
    /// <summary>Registers the media folder as the media blob store.</summary>
    public static IServiceCollection AddFileMediaBlobs(this IServiceCollection services)
    {
        services.AddSingleton<IMediaBlobStore, FileBlobStore>();
        return services;
    }
}
