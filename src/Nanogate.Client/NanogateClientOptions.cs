namespace Nanogate.Client;

/// <summary>Where a <see cref="NanogateClient"/> connects and how long it waits.</summary>
public sealed class NanogateClientOptions
{
    /// <summary>The server's base URL, such as <c>http://localhost:8080</c> (a path prefix such as <c>https://host/ng/</c> is kept).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The API key (<c>sk-…</c>), sent as <c>Authorization: Bearer</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The longest one HTTP request may take (default 100 seconds); past it the call throws <see cref="TimeoutException"/>.
    /// A <c>Prefer: wait</c> submit is given its wait on top of this.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>How <see cref="NanogateClient.WaitForTaskAsync"/> and <see cref="NanogateClient.GenerateAsync"/> wait by default.</summary>
    public TaskWaitOptions Wait { get; set; } = new();

    /// <summary>The clock of waits and polling (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The User-Agent product sent with each request.</summary>
    public string UserAgent { get; set; } = "Nanogate.Client/" + typeof(NanogateClientOptions).Assembly.GetName().Version?.ToString(3);
}
