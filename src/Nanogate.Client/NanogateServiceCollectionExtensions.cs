using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Nanogate.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="NanogateClient"/> as a typed client of <see cref="IHttpClientFactory"/>.</summary>
public static class NanogateServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="NanogateClient"/> (a typed <see cref="HttpClient"/> from the factory, so handlers are pooled
    /// and DNS changes are seen). Returns the <see cref="IHttpClientBuilder"/> to add handlers or resilience.
    /// </summary>
    /// <example><code>
    /// services.AddNanogateClient(o =>
    /// {
    ///     o.BaseAddress = new Uri("http://localhost:8080");
    ///     o.ApiKey = configuration["Nanogate:ApiKey"];
    /// });
    /// </code></example>
    public static IHttpClientBuilder AddNanogateClient(this IServiceCollection services, Action<NanogateClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<NanogateClientOptions>().Configure(configure);
        return services.AddHttpClient<NanogateClient>(http => http.Timeout = Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Registers a Nanogate-backed <see cref="IImageGenerator"/> (needs <see cref="AddNanogateClient"/>), so code written
    /// against Microsoft.Extensions.AI switches to Nanogate by changing this one registration.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="defaultModelId">The model used when <see cref="ImageGenerationOptions.ModelId"/> is not set.</param>
#pragma warning disable MEAI001 // IImageGenerator is marked experimental in Microsoft.Extensions.AI 10.x; this package implements it on purpose.
    public static IServiceCollection AddNanogateImageGenerator(this IServiceCollection services, string defaultModelId = NanogateImageGenerator.DefaultModelId)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddTransient<IImageGenerator>(sp => sp.GetRequiredService<NanogateClient>().AsIImageGenerator(defaultModelId));
        return services;
    }
#pragma warning restore MEAI001
}
