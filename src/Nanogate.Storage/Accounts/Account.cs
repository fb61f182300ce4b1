namespace Nanogate.Storage.Accounts;

/// <summary>A customer account: it owns API keys, credits, tasks and media.</summary>
public sealed record Account(string Id, string Name, DateTimeOffset CreatedAt, long CreditsAvailable, string WebhookSecret);
