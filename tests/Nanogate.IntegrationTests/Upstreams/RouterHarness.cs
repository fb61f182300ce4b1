using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Nanogate.Core.Catalog;
using Nanogate.Core.Requests;
using Nanogate.Upstreams;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Routing;

namespace Nanogate.IntegrationTests.Upstreams;

/// <summary>Builds routers over real channels of the registered kinds (the same path ChannelSetup takes), with a settable clock.</summary>
public sealed class RouterHarness
{
    private readonly ChannelKinds _kinds;

    public RouterHarness(TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        var services = new ServiceCollection().AddChannelKinds().BuildServiceProvider();
        _kinds = services.GetRequiredService<ChannelKinds>();
        Context = new ChannelContext(Time, NullLoggerFactory.Instance, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), () => new Uri("http://127.0.0.1:1/"), Downloader());
    }

    public TimeProvider Time { get; }

    public ChannelContext Context { get; }

    public RouterOptions Options { get; } = new() { CapacityWaitMs = 200 };

    public static ModelInfo Model => ModelCatalog.Default.Find("nano-banana-2-lite")!;

    public RoutedChannel Channel(string name, string kind, Uri? baseUrl, int priority = 1, int weight = 1, int maxConcurrency = 0, double? timeoutSeconds = null, ChannelCredentials? credentials = null, System.Text.Json.Nodes.JsonObject? settings = null, IReadOnlyDictionary<string, string>? modelMap = null) =>
        _kinds.Create(
            new ChannelDefinition
            {
                Name = name,
                Kind = kind,
                BaseUrl = baseUrl,
                Priority = priority,
                Weight = weight,
                MaxConcurrency = maxConcurrency,
                TimeoutSeconds = timeoutSeconds,
                Credentials = credentials ?? new ChannelCredentials([new ChannelKey("key-" + name)]),
                Settings = settings ?? [],
                ModelMap = modelMap ?? new Dictionary<string, string>(),
            },
            Context,
            Options,
            stored: false);

    public ChannelRouter Router(params RoutedChannel[] channels) => new(channels, Time, Options);

    public static UpstreamRequest Request(string prompt = "a banana", IReadOnlyList<ReferenceImage>? references = null)
    {
        var image = new ImageRequest { Model = Model, Prompt = prompt, ReferenceImages = references ?? [] };
        return new UpstreamRequest(Model.Id, GeminiRequestBuilder.Build(image), "req_test", DecodeImage: true) { Image = image, CatalogModel = Model };
    }

    /// <summary>The production downloader (SafeHttp), with loopback allowed as in every test.</summary>
    private static Nanogate.Hosting.SafeImageDownloader Downloader() =>
        new Nanogate.Hosting.SafeImageDownloader(new Nanogate.Security.SafeHttp(
            Microsoft.Extensions.Options.Options.Create(new Nanogate.Hosting.SecurityOptions { AllowPrivateNetworkTargets = true }),
            NullLogger<Nanogate.Security.SafeHttp>.Instance));
}
