using Nanogate.Media.Files;
using Nanogate.Media.S3;

namespace Nanogate.Media;

/// <summary>Registers the media store chosen by <c>Media:Provider</c>, its links and its sweeper.</summary>
internal static class MediaServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Media</c> and registers <see cref="IMediaStore"/> over the provider's blobs (<c>files</c>, the
    /// default, or <c>s3</c>), <see cref="MediaLinks"/> and the background sweeps.
    /// </summary>
    public static IServiceCollection AddMediaStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MediaOptions>().BindConfiguration("Media").ValidateDataAnnotations().ValidateOnStart();
        var provider = configuration["Media:Provider"];
        if (string.Equals(provider, "s3", StringComparison.OrdinalIgnoreCase))
        {
            services.AddS3MediaBlobs();
        }
        else
        {
            // Also for a misspelt provider: the options validation above fails the start with the key named.
            services.AddFileMediaBlobs();
        }

        services.AddSingleton<IMediaStore, MediaStore>();
        services.AddSingleton<MediaLinks>();
        services.AddHostedService<MediaLinksInitializer>();
        services.AddHostedService<MediaSweeper>();
        services.AddSingleton<MediaReadiness>();
        return services;
    }
}
